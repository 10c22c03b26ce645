//! A new ticket as it arrives, on any channel: the routing rules fill in what its creator
//! left open, then the team's automatic assignment gives it an agent. Both happen in the
//! transaction that writes the ticket, before its SLA clock starts, so the clock runs under
//! the policy of the team and priority the ticket ends up with.

use chrono::{DateTime, Utc};
use kefu_domain::chat::team_takes_chats;
use kefu_domain::ids::{MailboxId, RoutingRuleId, TeamId, UserId};
use kefu_domain::locale::Locale;
use kefu_domain::routing::{self, Arrival, AssignmentMode};
use kefu_domain::status;
use kefu_domain::ticket::Ticket;
use kefu_store::chat::{conversations, team_settings};
use kefu_store::{DbConnection, customers, messages, teams, users};
use serde_json::json;

use super::assign;
use crate::error::AppError;
use crate::mail::ingest::system_event;
use crate::mail::notices;
use crate::mail::outgoing::MailContext;
use crate::sla::book::BookCache;

/// What is known of a new ticket beyond the ticket itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts<'a> {
    /// The mailbox an email arrived at.
    pub mailbox: Option<MailboxId>,
    /// Its first message.
    pub body: &'a str,
    /// Fields its creator chose, which rules leave alone.
    pub chosen: Chosen,
    /// Whether it is a live chat: its team must take chats now, and the chat router, not a
    /// rule or automatic assignment, finds its agent.
    pub live_chat: bool,
}

/// The fields an agent set on a ticket they opened.
#[derive(Clone, Copy, Debug, Default)]
pub struct Chosen {
    /// The team.
    pub team: bool,
    /// The priority.
    pub priority: bool,
    /// The agent.
    pub assignee: bool,
}

/// What routing did to a new ticket, written on its timeline once the ticket is.
#[derive(Clone, Debug, Default)]
#[must_use = "a routed ticket's timeline entry is written with `record`"]
pub struct Routing {
    rules: Vec<(RoutingRuleId, String)>,
    skipped: Vec<String>,
    rule_agent: Option<UserId>,
    automatic: Option<(UserId, AssignmentMode)>,
}

/// Applies the rules and the team's automatic assignment to `ticket`, not yet written.
pub fn route(
    conn: &mut DbConnection,
    sla: &BookCache,
    ticket: &mut Ticket,
    facts: Facts<'_>,
    now: DateTime<Utc>,
) -> Result<Routing, AppError> {
    let book = sla.get(conn)?;
    let mut routing = Routing::default();
    if book.rules.iter().any(|r| r.active) {
        let (organisation, locale) = customers::routing_facts(conn, ticket.requester)?;
        let language = locale
            .and_then(|l| Locale::parse(&l).ok())
            .unwrap_or_else(|| Locale::guess(&format!("{} {}", ticket.subject, facts.body)));
        let routed = routing::route(
            &book.rules,
            &Arrival {
                stage: ticket.stage,
                channel: ticket.channel,
                mailbox: facts.mailbox,
                subject: &ticket.subject,
                body: facts.body,
                customer: ticket.requester,
                organisation: organisation.as_deref(),
                language,
            },
        );
        routing.rules = routed.rules.clone();
        if let Some(team) = routed.team
            && !facts.chosen.team
        {
            match usable_team(conn, team, facts.live_chat, now)? {
                Ok(()) => ticket.team = Some(team),
                Err(reason) => routing.skipped.push(reason),
            }
        }
        if let Some(priority) = routed.priority
            && !facts.chosen.priority
        {
            ticket.priority = priority;
        }
        for tag in routed.tags {
            if !ticket.tags.contains(&tag) {
                ticket.tags.push(tag);
            }
        }
        if let Some(agent) = routed.assignee
            && !facts.chosen.assignee
            && !facts.live_chat
        {
            match users::find(conn, agent) {
                Ok(user) if user.active && user.role.is_staff() => {
                    ticket.assignee = Some(agent);
                    routing.rule_agent = Some(agent);
                }
                _ => routing
                    .skipped
                    .push(format!("agent {agent} is no longer an active agent")),
            }
        }
    }
    if ticket.assignee.is_none()
        && !facts.live_chat
        && let Some(team) = ticket.team
        && let Some(given) = assign::pick_for_new(conn, team, ticket.channel, now)?
    {
        ticket.assignee = Some(given.0);
        routing.automatic = Some(given);
    }
    if ticket.assignee.is_some() {
        ticket.status = status::after_assignment(ticket.status);
    }
    Ok(routing)
}

/// Whether a rule's team may take the ticket: it exists, and for a live chat, takes chats now.
fn usable_team(
    conn: &mut DbConnection,
    team: TeamId,
    live_chat: bool,
    now: DateTime<Utc>,
) -> Result<Result<(), String>, AppError> {
    if !teams::exists(conn, team)? {
        return Ok(Err(format!("team {team} no longer exists")));
    }
    if live_chat {
        let settings = team_settings::get(conn, team)?;
        let agents = conversations::loads(conn, team, now)?;
        if !team_takes_chats(&settings, &agents) {
            let name = teams::names(conn, &[team])?
                .remove(&team)
                .unwrap_or_default();
            return Ok(Err(format!("team {name} takes no chats now")));
        }
    }
    Ok(Ok(()))
}

impl Routing {
    /// Whether rules or automatic assignment touched the ticket.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.automatic.is_none()
    }

    /// Writes the timeline entries naming the rules that matched and the automatic
    /// assignment, and tells the agent routing gave the ticket (it is written by now).
    pub fn record(
        &self,
        conn: &mut DbConnection,
        mail: &MailContext,
        ticket: &Ticket,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if self.is_empty() && self.skipped.is_empty() {
            return Ok(());
        }
        if let Some(agent) = self.rule_agent {
            notices::assigned(conn, mail, ticket, agent, None, now)?;
        }
        if let Some((agent, mode)) = self.automatic {
            let event = assign::event(conn, ticket, agent, mode, now)?;
            messages::insert(conn, &event)?;
            notices::assigned(conn, mail, ticket, agent, None, now)?;
        }
        if self.rules.is_empty() && self.skipped.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = self.rules.iter().map(|(_, n)| n.as_str()).collect();
        let body = format!(
            "Routed by {} / 由路由规则处理：{}",
            names.join(", "),
            names.join("、")
        );
        let rules: Vec<_> = self
            .rules
            .iter()
            .map(|(id, name)| json!({ "id": id, "name": name }))
            .collect();
        let data = json!({ "routing": { "rules": rules, "skipped": self.skipped } });
        messages::insert(conn, &system_event(ticket, body, data, now))?;
        Ok(())
    }
}
