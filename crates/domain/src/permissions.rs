//! Who may see and do what: every authorisation decision about tickets and accounts.
//!
//! Handlers ask here and map the answer: [`Denied::Hidden`] becomes 404 (the thing is not
//! shown to exist), [`Denied::Forbidden`] becomes 403 (it is visible, the action is not
//! allowed).

use crate::DomainError;
use crate::ids::{CustomerId, UserId};
use crate::message::Visibility;
use crate::role::Role;
use crate::ticket::Channel;

/// The signed-in user an action is decided for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user's account.
    pub user: UserId,
    /// The user's role.
    pub role: Role,
    /// For a customer login, the customer record it speaks for.
    pub customer: Option<CustomerId>,
}

/// Why an action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The actor may not know the thing exists.
    #[error("not found")]
    Hidden,
    /// The actor sees the thing but may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
}

/// How much of a ticket an actor sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketAccess {
    /// Everything, internal notes and call logs included (staff).
    Full,
    /// The ticket and its public messages only (its requester).
    PublicOnly,
}

/// What a search may look through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchScope {
    /// Subjects, public replies and internal notes (staff).
    All,
    /// Subjects and public replies only (customers).
    Public,
}

/// Which fields a new ticket's creator set beyond its subject, channel and first message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NewTicketFields {
    /// Whom the ticket is for.
    pub requester: bool,
    /// Its team.
    pub team: bool,
    /// Its assignee.
    pub assignee: bool,
    /// Its stage.
    pub stage: bool,
    /// Its priority.
    pub priority: bool,
    /// Its tags.
    pub tags: bool,
}

/// Which ticket fields a change touches, for deciding who may make it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldsTouched {
    /// The status.
    pub status: bool,
    /// Priority, stage, team, assignee or tags: the fields agents triage with.
    pub triage: bool,
}

impl Actor {
    /// Whether the actor is an admin or agent.
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// How much of a ticket with this requester the actor sees, or `Hidden`.
    pub fn ticket_access(&self, requester: CustomerId) -> Result<TicketAccess, Denied> {
        match self.role {
            Role::Admin | Role::Agent => Ok(TicketAccess::Full),
            Role::Customer if self.customer == Some(requester) => Ok(TicketAccess::PublicOnly),
            Role::Customer | Role::Vendor => Err(Denied::Hidden),
        }
    }

    /// Whether the actor may open a ticket on this channel (customers: web tickets for
    /// themselves).
    pub fn may_create_ticket(&self, channel: Channel) -> Result<(), Denied> {
        match self.role {
            Role::Admin | Role::Agent => Ok(()),
            Role::Customer if channel == Channel::Web && self.customer.is_some() => Ok(()),
            Role::Customer => Err(Denied::Forbidden(
                "customers open tickets on the web channel, for themselves",
            )),
            Role::Vendor => Err(Denied::Forbidden("vendors cannot open tickets")),
        }
    }

    /// Whether the actor may set these fields on a ticket they open: customers set only the
    /// subject and their first message; agents set anything.
    pub fn may_set_on_new_ticket(&self, fields: NewTicketFields) -> Result<(), DomainError> {
        if self.role == Role::Customer && fields != NewTicketFields::default() {
            return Err(DomainError::CustomerFieldsNotAllowed);
        }
        Ok(())
    }

    /// What the actor's searches look through: customers search only what they may read.
    pub fn search_scope(&self) -> SearchScope {
        if self.is_staff() {
            SearchScope::All
        } else {
            SearchScope::Public
        }
    }

    /// The roles a user list shows the actor, given the roles asked for (none = all they may
    /// see): admins see everyone, agents their colleagues.
    pub fn listable_roles(&self, asked: Vec<Role>) -> Result<Vec<Role>, DomainError> {
        if self.role == Role::Admin {
            return Ok(asked);
        }
        if asked.is_empty() {
            return Ok(vec![Role::Admin, Role::Agent]);
        }
        if asked.iter().any(|r| !r.is_staff()) {
            return Err(DomainError::StaffOnlyListing);
        }
        Ok(asked)
    }

    /// Whether the actor may see this user's account: admins anyone, agents their colleagues,
    /// everyone themselves.
    pub fn may_see_user(&self, id: UserId, role: Role) -> bool {
        self.role == Role::Admin || self.user == id || (self.is_staff() && role.is_staff())
    }

    /// Whether the actor may change these fields of a ticket they see with `access`.
    pub fn may_change_ticket(
        &self,
        access: TicketAccess,
        fields: FieldsTouched,
    ) -> Result<(), Denied> {
        match access {
            TicketAccess::Full => Ok(()),
            TicketAccess::PublicOnly if fields.triage => Err(Denied::Forbidden(
                "only agents change priority, stage, team, assignee or tags",
            )),
            TicketAccess::PublicOnly => Ok(()),
        }
    }

    /// Whether the actor may add a message with this visibility to a ticket seen with `access`.
    pub fn may_post(&self, access: TicketAccess, visibility: Visibility) -> Result<(), Denied> {
        match (access, visibility) {
            (TicketAccess::Full, _) | (TicketAccess::PublicOnly, Visibility::Public) => Ok(()),
            (TicketAccess::PublicOnly, Visibility::Internal) => {
                Err(Denied::Forbidden("only agents write internal notes"))
            }
        }
    }

    /// Whether the actor may see whether a message with this visibility exists.
    pub fn may_read(&self, access: TicketAccess, visibility: Visibility) -> bool {
        access == TicketAccess::Full || visibility == Visibility::Public
    }

    /// Staff work: customers' records, call logs, the list of agents and teams.
    pub fn may_work_tickets(&self) -> Result<(), Denied> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(Denied::Forbidden("only agents and admins may do this"))
        }
    }

    /// Managing users and teams.
    pub fn may_administer(&self) -> Result<(), Denied> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(Denied::Forbidden("only admins may do this"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, customer: Option<CustomerId>) -> Actor {
        Actor {
            user: UserId::new(),
            role,
            customer,
        }
    }

    #[test]
    fn ticket_visibility_matrix() {
        let requester = CustomerId::new();
        let cases = [
            (actor(Role::Admin, None), Ok(TicketAccess::Full)),
            (actor(Role::Agent, None), Ok(TicketAccess::Full)),
            (
                actor(Role::Customer, Some(requester)),
                Ok(TicketAccess::PublicOnly),
            ),
            (
                actor(Role::Customer, Some(CustomerId::new())),
                Err(Denied::Hidden),
            ),
            (actor(Role::Customer, None), Err(Denied::Hidden)),
            (actor(Role::Vendor, None), Err(Denied::Hidden)),
        ];
        for (who, expected) in cases {
            assert_eq!(who.ticket_access(requester), expected, "{:?}", who.role);
        }
    }

    #[test]
    fn requesters_see_and_write_public_messages_only() {
        let me = actor(Role::Customer, Some(CustomerId::new()));
        let access = TicketAccess::PublicOnly;
        assert!(me.may_read(access, Visibility::Public));
        assert!(!me.may_read(access, Visibility::Internal));
        assert_eq!(me.may_post(access, Visibility::Public), Ok(()));
        assert!(matches!(
            me.may_post(access, Visibility::Internal),
            Err(Denied::Forbidden(_))
        ));
    }

    #[test]
    fn requesters_may_change_status_but_not_triage_fields() {
        let me = actor(Role::Customer, Some(CustomerId::new()));
        let status = FieldsTouched {
            status: true,
            triage: false,
        };
        let triage = FieldsTouched {
            status: false,
            triage: true,
        };
        assert_eq!(
            me.may_change_ticket(TicketAccess::PublicOnly, status),
            Ok(())
        );
        assert!(
            me.may_change_ticket(TicketAccess::PublicOnly, triage)
                .is_err()
        );
        let agent = actor(Role::Agent, None);
        assert_eq!(agent.may_change_ticket(TicketAccess::Full, triage), Ok(()));
    }

    #[test]
    fn ticket_creation_by_role_and_channel() {
        let customer = actor(Role::Customer, Some(CustomerId::new()));
        for channel in Channel::ALL {
            assert_eq!(actor(Role::Agent, None).may_create_ticket(*channel), Ok(()));
            assert_eq!(actor(Role::Admin, None).may_create_ticket(*channel), Ok(()));
            assert!(
                actor(Role::Vendor, None)
                    .may_create_ticket(*channel)
                    .is_err()
            );
            assert_eq!(
                customer.may_create_ticket(*channel).is_ok(),
                *channel == Channel::Web,
                "customer on {channel}"
            );
        }
    }

    #[test]
    fn customers_set_only_subject_and_message_on_new_tickets() {
        let customer = actor(Role::Customer, Some(CustomerId::new()));
        assert_eq!(
            customer.may_set_on_new_ticket(NewTicketFields::default()),
            Ok(())
        );
        let each = [
            NewTicketFields {
                requester: true,
                ..NewTicketFields::default()
            },
            NewTicketFields {
                team: true,
                ..NewTicketFields::default()
            },
            NewTicketFields {
                assignee: true,
                ..NewTicketFields::default()
            },
            NewTicketFields {
                stage: true,
                ..NewTicketFields::default()
            },
            NewTicketFields {
                priority: true,
                ..NewTicketFields::default()
            },
            NewTicketFields {
                tags: true,
                ..NewTicketFields::default()
            },
        ];
        for fields in each {
            assert_eq!(
                customer.may_set_on_new_ticket(fields),
                Err(DomainError::CustomerFieldsNotAllowed),
                "{fields:?}"
            );
            assert_eq!(
                actor(Role::Agent, None).may_set_on_new_ticket(fields),
                Ok(())
            );
        }
    }

    #[test]
    fn customers_search_public_text_only() {
        assert_eq!(actor(Role::Agent, None).search_scope(), SearchScope::All);
        assert_eq!(actor(Role::Admin, None).search_scope(), SearchScope::All);
        let customer = actor(Role::Customer, Some(CustomerId::new()));
        assert_eq!(customer.search_scope(), SearchScope::Public);
    }

    #[test]
    fn agents_list_colleagues_and_admins_everyone() {
        let admin = actor(Role::Admin, None);
        let agent = actor(Role::Agent, None);
        assert_eq!(admin.listable_roles(vec![]), Ok(vec![]));
        assert_eq!(
            admin.listable_roles(vec![Role::Customer]),
            Ok(vec![Role::Customer])
        );
        assert_eq!(
            agent.listable_roles(vec![]),
            Ok(vec![Role::Admin, Role::Agent])
        );
        assert_eq!(
            agent.listable_roles(vec![Role::Agent]),
            Ok(vec![Role::Agent])
        );
        assert_eq!(
            agent.listable_roles(vec![Role::Agent, Role::Vendor]),
            Err(DomainError::StaffOnlyListing)
        );
        let colleague = UserId::new();
        assert!(agent.may_see_user(colleague, Role::Agent));
        assert!(!agent.may_see_user(colleague, Role::Customer));
        assert!(admin.may_see_user(colleague, Role::Customer));
        let customer = actor(Role::Customer, Some(CustomerId::new()));
        assert!(customer.may_see_user(customer.user, Role::Customer));
        assert!(!customer.may_see_user(colleague, Role::Agent));
    }

    #[test]
    fn only_admins_administer_and_only_staff_work_tickets() {
        for role in Role::ALL {
            let who = actor(*role, None);
            assert_eq!(who.may_administer().is_ok(), *role == Role::Admin);
            assert_eq!(who.may_work_tickets().is_ok(), role.is_staff());
        }
    }
}
