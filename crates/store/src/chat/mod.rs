//! Live chat's storage: widgets and their visitors, conversations and their numbered lines,
//! messages left on the offline form, who declined which chat, how far each side has read,
//! agents' and waiting visitors' presence, socket tickets, and each team's chat settings.

pub mod conversations;
pub mod declines;
pub mod files;
pub mod lines;
pub mod messages_left;
pub mod presence;
pub mod read_marks;
pub mod socket_tickets;
pub mod team_settings;
pub mod visitors;
pub mod visitors_here;
pub mod widgets;
