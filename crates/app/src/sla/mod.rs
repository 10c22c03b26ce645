//! Service levels: business calendars and SLA policies (admins), each ticket's clock (kept
//! in the transaction of every change to the ticket), the sweep that fires near breaches and
//! breaches once, and what agents see of a ticket's clock.

pub mod alerts;
pub mod book;
pub mod calendars;
pub(crate) mod clock;
pub mod policies;
pub mod ticket;

pub use clock::Activity;
