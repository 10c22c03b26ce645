//! The chat gateway over real WebSockets, on both backends: the protocol frame by frame,
//! delivery that loses nothing, routing and the queue, and the limits.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod assignment;
mod delivery;
mod files;
mod limits;
mod nodes;
mod protocol;
mod routing;
mod support;
mod telephony;
