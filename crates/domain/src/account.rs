//! User accounts, teams and customers.

use chrono::{DateTime, Utc};

use crate::email::EmailAddress;
use crate::ids::{CustomerId, TeamId, UserId};
use crate::phone::PhoneNumber;
use crate::role::Role;

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
    /// When it was made.
    pub created_at: DateTime<Utc>,
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
