//! Customers: finding the person on the line or in the inbox, their record and tickets.

pub mod find_or_create;
pub mod search;
pub mod show;
pub mod update;
