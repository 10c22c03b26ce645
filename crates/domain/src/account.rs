//! User accounts, teams and customers.

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::email::EmailAddress;
use crate::ids::{CustomerId, TeamId, UserId};
use crate::phone::PhoneNumber;
use crate::role::Role;

/// The most email addresses one customer record keeps.
pub const MAX_EMAILS_PER_CUSTOMER: usize = 10;
/// The most phone numbers one customer record keeps.
pub const MAX_PHONES_PER_CUSTOMER: usize = 10;
/// The most members one team has.
pub const MAX_TEAM_MEMBERS: usize = 200;

/// A user account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The account's id.
    pub id: UserId,
    /// The address they sign in with.
    pub email: EmailAddress,
    /// Their name as shown to others.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// Whether they may sign in; deactivated users keep their history.
    pub active: bool,
    /// Their preferred language (`en`, `zh-CN`), if chosen.
    pub locale: Option<String>,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
}

/// A team: a queue of work with its agents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    /// The team's id.
    pub id: TeamId,
    /// Its name, unique regardless of case.
    pub name: String,
    /// What it handles.
    pub description: Option<String>,
    /// Its members.
    pub members: Vec<UserId>,
    /// Its own phone line: "our number" when its agents log calls.
    pub phone_line: Option<PhoneNumber>,
    /// Whether an agent's public reply to an unassigned ticket of the team assigns it to them.
    pub assign_on_reply: bool,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl Team {
    /// Whether a public reply by a staff member to an unassigned ticket makes them its
    /// assignee, given its team's `assign_on_reply` (none for a ticket in no team): on unless
    /// the team turned it off.
    pub fn assigns_on_reply(team_setting: Option<bool>) -> bool {
        team_setting.unwrap_or(true)
    }
}

/// A customer: a person who asks for help, on any channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    /// The customer's id.
    pub id: CustomerId,
    /// Their name.
    pub name: String,
    /// The company they belong to.
    pub organisation: Option<String>,
    /// Their email addresses.
    pub emails: Vec<EmailAddress>,
    /// Their phone numbers.
    pub phones: Vec<PhoneNumber>,
    /// Their login, if they have one.
    pub user: Option<UserId>,
    /// When the record was made.
    pub created_at: DateTime<Utc>,
}

impl Customer {
    /// Checks the record stays within [`MAX_EMAILS_PER_CUSTOMER`] and
    /// [`MAX_PHONES_PER_CUSTOMER`].
    pub fn check_contact_counts(&self) -> Result<(), DomainError> {
        if self.emails.len() > MAX_EMAILS_PER_CUSTOMER {
            return Err(DomainError::TooMany {
                what: "email addresses per customer",
                max: MAX_EMAILS_PER_CUSTOMER,
            });
        }
        if self.phones.len() > MAX_PHONES_PER_CUSTOMER {
            return Err(DomainError::TooMany {
                what: "phone numbers per customer",
                max: MAX_PHONES_PER_CUSTOMER,
            });
        }
        Ok(())
    }
}

/// Checks a team's member list: at most [`MAX_TEAM_MEMBERS`].
pub fn check_member_count(members: &[UserId]) -> Result<(), DomainError> {
    if members.len() > MAX_TEAM_MEMBERS {
        return Err(DomainError::TooMany {
            what: "members per team",
            max: MAX_TEAM_MEMBERS,
        });
    }
    Ok(())
}

impl User {
    /// Checks a change of role or activation: customers stay customers and staff stay staff,
    /// and the last active admin cannot stop being one. `active_admins` is asked only when the
    /// change would take an admin away.
    pub fn check_role_change<E: From<DomainError>>(
        &self,
        role: Option<Role>,
        active: Option<bool>,
        active_admins: impl FnOnce() -> Result<i64, E>,
    ) -> Result<(), E> {
        if let Some(role) = role
            && (role == Role::Customer) != (self.role == Role::Customer)
        {
            return Err(DomainError::RoleChangeNotSupported.into());
        }
        let stays_admin = role.unwrap_or(self.role) == Role::Admin && active.unwrap_or(self.active);
        if self.role == Role::Admin && self.active && !stays_admin && active_admins()? <= 1 {
            return Err(DomainError::LastAdmin.into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[expect(clippy::unwrap_used, reason = "fixed test input")]
    fn user(role: Role, active: bool) -> User {
        User {
            id: UserId::new(),
            email: EmailAddress::parse("someone@example.com").unwrap(),
            name: "Someone".into(),
            role,
            active,
            locale: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn customers_and_staff_keep_their_side() {
        let customer = user(Role::Customer, true);
        let agent = user(Role::Agent, true);
        let never = || -> Result<i64, DomainError> { panic!("no admin count needed") };
        let check =
            |u: &User, role, active| u.check_role_change::<DomainError>(role, active, never);
        assert_eq!(
            check(&customer, Some(Role::Agent), None),
            Err(DomainError::RoleChangeNotSupported)
        );
        assert_eq!(
            check(&agent, Some(Role::Customer), None),
            Err(DomainError::RoleChangeNotSupported)
        );
        assert_eq!(check(&agent, Some(Role::Admin), None), Ok(()));
        assert_eq!(check(&agent, Some(Role::Vendor), Some(false)), Ok(()));
    }

    #[test]
    fn the_last_active_admin_stays_an_admin() {
        let admin = user(Role::Admin, true);
        assert_eq!(
            admin.check_role_change::<DomainError>(Some(Role::Agent), None, || Ok(1)),
            Err(DomainError::LastAdmin)
        );
        assert_eq!(
            admin.check_role_change::<DomainError>(None, Some(false), || Ok(1)),
            Err(DomainError::LastAdmin)
        );
        assert_eq!(
            admin.check_role_change::<DomainError>(None, Some(false), || Ok(2)),
            Ok(())
        );
        assert_eq!(
            admin.check_role_change::<DomainError>(Some(Role::Admin), Some(true), || panic!(
                "not asked"
            )),
            Ok(())
        );
        let inactive = user(Role::Admin, false);
        assert_eq!(
            inactive
                .check_role_change::<DomainError>(Some(Role::Agent), None, || panic!("not asked")),
            Ok(())
        );
    }
}
