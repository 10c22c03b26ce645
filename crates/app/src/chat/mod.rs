//! Live chat's use cases: visitors and agents on sockets, conversations and their lines,
//! typing and read marks, routing and queues, presence, ratings, what admins set up, and
//! what agents see of a chat on its ticket.

pub mod abandoned;
pub mod admin;
pub mod availability;
pub mod events;
pub mod files;
pub mod identity;
pub mod indexing;
pub mod lines;
pub mod marks;
pub mod moves;
pub mod notes;
pub mod on_ticket;
pub mod outcome;
pub mod page;
pub mod presence;
pub mod queue;
pub mod rating;
pub mod routing;
pub mod start;

pub use events::{Audience, ChatEvent};
pub use identity::{Agent, Participant};
pub use outcome::Outcome;
