//! Telephony: a PBX or cloud telephony provider reports each call through a signed webhook.
//! The call lands on the caller's open ticket (or a new phone ticket), pops up in the console
//! of the agent whose extension rings, is logged on the timeline when it ends, and a missed
//! call owes the customer a call back with a service-level target of its own.

pub(crate) mod call_back;
pub mod events;
pub mod pop;
pub mod settings;
mod ticket;
