//! Triggers and scheduled automations: admins keep them (`manage`), events in every use case
//! set them off in the same transaction (`run`), and a sweep runs the scheduled ones
//! (`schedule`).

pub mod manage;
pub mod run;
pub mod schedule;
