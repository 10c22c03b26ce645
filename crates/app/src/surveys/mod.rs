//! Satisfaction surveys: the settings (`settings`), the link mailed when a ticket is solved
//! (`invite`), and the customer's answer from the widget, the link or the portal (`rate`).

pub mod invite;
pub mod rate;
pub mod settings;
