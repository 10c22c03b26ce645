//! Domain values rendered as the bodies every role sends (HTTP responses, chat frames), with
//! the names they refer to loaded in batches.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_api_types::accounts::{TeamResponse, TeamSummary, UserResponse, UserSummary};
use kefu_api_types::customers::{CustomerResponse, CustomerSummary};
use kefu_api_types::tickets::{AuthorResponse, CallResponse, MessageResponse, TicketResponse};
use kefu_domain::account::{Customer, Team, User};
use kefu_domain::call::CallLog;
use kefu_domain::ids::{CustomerId, MessageId, TeamId, TicketId, UserId};
use kefu_domain::message::{AuthorKind, Message, MessageKind};
use kefu_domain::permissions::Actor;
use kefu_domain::phone::{PhoneNumber, PhoneRegion};
use kefu_domain::ticket::Ticket;
use kefu_store::ticket_names::{self, TicketNames};
use kefu_store::{DbConnection, StoreError, calls, customers, users};

/// A user account as the API shows it.
pub fn user(user: &User) -> UserResponse {
    UserResponse {
        id: user.id,
        email: user.email.to_string(),
        name: user.name.clone(),
        role: user.role,
        active: user.active,
        locale: user.locale.clone(),
        created_at: user.created_at,
    }
}

fn user_summary(id: UserId, name: &str) -> UserSummary {
    UserSummary {
        id,
        name: name.to_owned(),
    }
}

/// A customer with their contact details.
pub fn customer(customer: &Customer, region: Option<PhoneRegion>) -> CustomerResponse {
    CustomerResponse {
        id: customer.id,
        name: customer.name.clone(),
        organisation: customer.organisation.clone(),
        emails: customer.emails.iter().map(ToString::to_string).collect(),
        phones: customer.phones.iter().map(ToString::to_string).collect(),
        phones_display: customer.phones.iter().map(|p| p.display(region)).collect(),
        user_id: customer.user,
        created_at: customer.created_at,
    }
}

fn summary_of(c: customers::CustomerSummary, region: Option<PhoneRegion>) -> CustomerSummary {
    CustomerSummary {
        id: c.id,
        name: c.name,
        email: c.email,
        phone_display: c
            .phone
            .as_ref()
            .map(|p| PhoneNumber::from_stored(p.clone()).display(region)),
        phone: c.phone,
    }
}

/// Teams with their members' names.
pub fn teams(
    conn: &mut DbConnection,
    list: &[Team],
    region: Option<PhoneRegion>,
) -> Result<Vec<TeamResponse>, StoreError> {
    let ids: Vec<UserId> = list
        .iter()
        .flat_map(|t| t.members.iter().copied())
        .collect();
    let members: HashMap<UserId, String> = users::names(conn, &ids)?;
    Ok(list
        .iter()
        .map(|team| TeamResponse {
            id: team.id,
            name: team.name.clone(),
            description: team.description.clone(),
            phone_line: team.phone_line.as_ref().map(ToString::to_string),
            phone_line_display: team.phone_line.as_ref().map(|p| p.display(region)),
            assign_on_reply: team.assign_on_reply,
            members: team
                .members
                .iter()
                .filter_map(|id| members.get(id).map(|name| user_summary(*id, name)))
                .collect(),
            created_at: team.created_at,
        })
        .collect())
}

/// The people and teams a set of tickets refers to, loaded once for the whole set.
#[derive(Default)]
pub struct Names {
    requesters: HashMap<CustomerId, CustomerSummary>,
    assignees: HashMap<UserId, String>,
    teams: HashMap<TeamId, String>,
    /// For an agent viewing: when they last saw each ticket.
    seen: Option<HashMap<TicketId, DateTime<Utc>>>,
    /// Whether the viewer sees the fields agents triage with (staff), or only what a
    /// requester may (subject, status, times).
    staff: bool,
}

impl Names {
    /// The names tickets were read with ([`kefu_store::ticket_names`]), for `viewer` (their
    /// read marks were read with them, see [`read_marks_of`]).
    pub fn of_page(
        list: &[Ticket],
        mut names: HashMap<TicketId, TicketNames>,
        viewer: &Actor,
        region: Option<PhoneRegion>,
    ) -> Self {
        let staff = viewer.is_staff();
        let mut page = Self {
            staff,
            seen: staff.then(HashMap::new),
            ..Self::default()
        };
        for ticket in list {
            let Some(found) = names.remove(&ticket.id) else {
                continue;
            };
            if let (Some(id), Some(name)) = (ticket.assignee, found.assignee_name) {
                page.assignees.insert(id, name);
            }
            if let (Some(id), Some(name)) = (ticket.team, found.team_name) {
                page.teams.insert(id, name);
            }
            if let (Some(seen), Some(at)) = (page.seen.as_mut(), found.seen_at) {
                seen.insert(ticket.id, at);
            }
            page.requesters
                .insert(found.requester.id, summary_of(found.requester, region));
        }
        page
    }

    /// Names already at hand (a ticket just created), for `viewer`.
    pub fn known(
        requester: customers::CustomerSummary,
        assignee: Option<User>,
        team: Option<(TeamId, String)>,
        viewer: &Actor,
        region: Option<PhoneRegion>,
    ) -> Self {
        Self {
            requesters: HashMap::from([(requester.id, summary_of(requester, region))]),
            assignees: assignee.into_iter().map(|u| (u.id, u.name)).collect(),
            teams: team.into_iter().collect(),
            seen: None,
            staff: viewer.is_staff(),
        }
    }

    /// Renders one ticket with its names.
    pub fn render(&self, t: Ticket) -> Result<TicketResponse, StoreError> {
        let requester = self
            .requesters
            .get(&t.requester)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("ticket {} has no requester", t.id)))?;
        let unread = self
            .seen
            .as_ref()
            .map(|seen| seen.get(&t.id).is_none_or(|at| t.updated_at > *at));
        let staff = self.staff;
        Ok(TicketResponse {
            unread,
            id: t.id,
            number: t.number,
            subject: t.subject,
            stage: staff.then_some(t.stage),
            channel: t.channel,
            status: t.status,
            priority: staff.then_some(t.priority),
            requester,
            assignee: t
                .assignee
                .filter(|_| staff)
                .and_then(|id| self.assignees.get(&id).map(|name| user_summary(id, name))),
            team: t.team.filter(|_| staff).and_then(|id| {
                self.teams.get(&id).map(|name| TeamSummary {
                    id,
                    name: name.clone(),
                })
            }),
            tags: staff.then(|| t.tags.iter().map(ToString::to_string).collect()),
            created_at: t.created_at,
            updated_at: t.updated_at,
            first_responded_at: t.first_responded_at.filter(|_| staff),
            solved_at: t.solved_at,
            sla_due_at: t.sla_due_at.filter(|_| staff),
            snippet: None,
        })
    }
}

/// Whose read marks `viewer` sees beside tickets: their own, if they are staff.
pub fn read_marks_of(viewer: &Actor) -> Option<UserId> {
    viewer.is_staff().then_some(viewer.user)
}

/// Tickets with their requester, assignee and team names, as `viewer` sees them.
pub fn tickets(
    conn: &mut DbConnection,
    list: Vec<Ticket>,
    viewer: &Actor,
    region: Option<PhoneRegion>,
) -> Result<Vec<TicketResponse>, StoreError> {
    let ids: Vec<TicketId> = list.iter().map(|t| t.id).collect();
    let names = ticket_names::of_tickets(conn, &ids, read_marks_of(viewer))?;
    listed(list, names, viewer, region)
}

/// Tickets with the names they were read with, as `viewer` sees them.
pub fn listed(
    list: Vec<Ticket>,
    names: HashMap<TicketId, TicketNames>,
    viewer: &Actor,
    region: Option<PhoneRegion>,
) -> Result<Vec<TicketResponse>, StoreError> {
    let names = Names::of_page(&list, names, viewer, region);
    list.into_iter().map(|t| names.render(t)).collect()
}

/// One ticket with its names, as `viewer` sees it.
pub fn ticket(
    conn: &mut DbConnection,
    ticket: Ticket,
    viewer: &Actor,
    region: Option<PhoneRegion>,
) -> Result<TicketResponse, StoreError> {
    tickets(conn, vec![ticket], viewer, region)?
        .pop()
        .ok_or_else(|| StoreError::Corrupt("a rendered ticket went missing".into()))
}

/// A call log.
pub fn call(call: &CallLog, region: Option<PhoneRegion>) -> CallResponse {
    CallResponse {
        id: call.id,
        direction: call.details.direction,
        from: call.details.from.to_string(),
        to: call.details.to.to_string(),
        from_display: call.details.from.display(region),
        to_display: call.details.to.display(region),
        started_at: call.details.started_at,
        duration_seconds: call.details.duration_seconds,
        outcome: call.details.outcome,
        notes: call.details.notes.clone(),
    }
}

/// Timeline entries with their authors' names and their calls.
pub fn messages(
    conn: &mut DbConnection,
    list: Vec<Message>,
    region: Option<PhoneRegion>,
) -> Result<Vec<MessageResponse>, StoreError> {
    let user_ids: Vec<UserId> = list.iter().filter_map(|m| m.author_user).collect();
    let customer_ids: Vec<CustomerId> = list.iter().filter_map(|m| m.author_customer).collect();
    let call_ids: Vec<MessageId> = list
        .iter()
        .filter(|m| m.kind == kefu_domain::message::MessageKind::Call)
        .map(|m| m.id)
        .collect();
    let users: HashMap<UserId, String> = users::names(conn, &user_ids)?;
    let customers: HashMap<CustomerId, String> = customers::summaries(conn, &customer_ids)?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let calls: HashMap<MessageId, CallLog> = calls::for_messages(conn, &call_ids)?
        .into_iter()
        .map(|c| (c.message, c))
        .collect();
    let email_ids: Vec<MessageId> = list
        .iter()
        .filter(|m| matches!(m.kind, MessageKind::Reply | MessageKind::Event))
        .map(|m| m.id)
        .collect();
    let mut emails = crate::mail::view::details(conn, &email_ids)?;
    Ok(list
        .into_iter()
        .map(|m| {
            let (id, name) = match (m.author_kind, m.author_user, m.author_customer) {
                (_, Some(user), _) => (
                    Some(user.to_string()),
                    users.get(&user).cloned().unwrap_or_default(),
                ),
                (_, None, Some(customer)) => (
                    Some(customer.to_string()),
                    customers.get(&customer).cloned().unwrap_or_default(),
                ),
                (AuthorKind::System, None, None) | (_, None, None) => (None, "Kefu".into()),
            };
            MessageResponse {
                id: m.id,
                kind: m.kind,
                visibility: m.visibility,
                author: AuthorResponse {
                    kind: m.author_kind,
                    id,
                    name,
                },
                channel: m.channel,
                call: calls.get(&m.id).map(|c| call(c, region)),
                files: crate::chat::files::of_message(&m),
                email: emails.remove(&m.id),
                body: m.body,
                data: m.data,
                created_at: m.created_at,
            }
        })
        .collect())
}
