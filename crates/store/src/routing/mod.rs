//! Routing: the rules tried on new tickets, and each team's automatic assignment.

pub mod assignment;
pub mod rules;
