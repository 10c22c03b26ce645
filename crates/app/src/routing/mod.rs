//! Routing: the rules that set a new ticket's team, priority, tags and agent, and each
//! team's automatic assignment of its tickets to available agents.

pub mod arrival;
pub mod assign;
pub mod rules;
pub mod teams;
