//! Who a user is to the helpdesk.

use crate::string_enum::string_enum;

string_enum! {
    /// A user's role; it decides what the user may see and do.
    "role", Role {
        /// Manages users, teams and settings, and works tickets.
        Admin => "admin",
        /// Works tickets and chats.
        Agent => "agent",
        /// Works the cases escalated to their company.
        Vendor => "vendor",
        /// Asks for help and follows their own tickets.
        Customer => "customer",
    }
}

impl Role {
    /// Whether the role works the business's own tickets (admins and agents).
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Agent)
    }
}
