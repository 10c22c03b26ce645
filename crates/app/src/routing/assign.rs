//! Automatic assignment: a team hands its new tickets, and its backlog of unassigned ones as
//! agents have room again, to its available agents — in turn or to the least busy — within
//! each agent's capacity per channel. Each team's assignments are serialised (its row is
//! locked on PostgreSQL), and a ticket is given only while it is still unassigned, so two
//! nodes never give the same ticket or fill the same agent's last place.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_domain::ids::{TeamId, TicketId, UserId};
use kefu_domain::locale::Locale;
use kefu_domain::message::Message;
use kefu_domain::routing::{AssignmentMode, Candidate, pick_assignee};
use kefu_domain::ticket::{Channel, Status, Ticket};
use kefu_domain::{status, time};
use kefu_store::routing::assignment;
use kefu_store::{DbConnection, dialect, messages, tickets, users};
use serde_json::json;

use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::error::AppError;
use crate::mail::ingest::system_event;
use crate::mail::notices;
use crate::mail::outgoing::MailContext;
use crate::sla::book::BookCache;
use crate::sla::clock::{self, Activity};

/// Backlog tickets one team hands out per transaction, at most.
pub const BACKLOG_BATCH: i64 = 100;

/// The agent `team` gives a new ticket of `channel` to, if its assignment is on and someone
/// is available with room; their turn is recorded.
pub(crate) fn pick_for_new(
    conn: &mut DbConnection,
    team: TeamId,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Option<(UserId, AssignmentMode)>, AppError> {
    let settings = assignment::get(conn, team)?;
    if settings.mode == AssignmentMode::Off || settings.capacities.of(channel).is_none() {
        return Ok(None);
    }
    assignment::lock_team(conn, team)?;
    let candidates = assignment::candidates(conn, team, channel, now)?;
    let Some(agent) = pick_assignee(&settings, channel, &candidates) else {
        return Ok(None);
    };
    assignment::record_turn(conn, team, agent, now)?;
    Ok(Some((agent, settings.mode)))
}

fn mode_words(mode: AssignmentMode, locale: Locale) -> &'static str {
    match (mode, locale) {
        (AssignmentMode::RoundRobin, Locale::En) => "round robin",
        (AssignmentMode::RoundRobin, Locale::ZhCn) => "轮流分配",
        (AssignmentMode::LeastBusy, Locale::En) => "least busy",
        (AssignmentMode::LeastBusy, Locale::ZhCn) => "最空闲优先",
        (AssignmentMode::Off, Locale::En) => "off",
        (AssignmentMode::Off, Locale::ZhCn) => "关闭",
    }
}

/// The timeline entry saying Kefu gave `ticket` to `agent`.
pub(crate) fn event(
    conn: &mut DbConnection,
    ticket: &Ticket,
    agent: UserId,
    mode: AssignmentMode,
    now: DateTime<Utc>,
) -> Result<Message, AppError> {
    let name = users::names(conn, &[agent])?
        .remove(&agent)
        .unwrap_or_default();
    let body = format!(
        "Assigned automatically to {name} ({}) / 已自动分配给 {name}（{}）",
        mode_words(mode, Locale::En),
        mode_words(mode, Locale::ZhCn)
    );
    let data = json!({ "assigned": { "agent": agent, "name": name, "mode": mode.as_str() } });
    Ok(system_event(ticket, body, data, now))
}

/// Hands out the backlog of every team whose assignment is on, as far as its available
/// agents have room, and announces the tickets given. Returns how many were.
pub async fn assign_waiting(app: &App) -> Result<usize, AppError> {
    let teams = app.store.read(assignment::teams_assigning).await?;
    let mail = app.mail_context().await?;
    let mut total = 0;
    for (team, _) in teams {
        let waiting = app
            .store
            .read(move |conn| assignment::backlog(conn, team, 1))
            .await?;
        if waiting.is_empty() {
            continue;
        }
        loop {
            let mail = mail.clone();
            let sla = app.sla_book.clone();
            let given = app
                .store
                .write(move |conn| backlog_of(conn, &mail, &sla, team, time::now()))
                .await?;
            let changes: Vec<Change> = given
                .iter()
                .map(|id| Change::Ticket {
                    id: *id,
                    kind: ChangeKind::Updated,
                })
                .collect();
            app.publish(&changes);
            total += given.len();
            if given.len() < BACKLOG_BATCH as usize {
                break;
            }
        }
    }
    Ok(total)
}

/// Gives out up to [`BACKLOG_BATCH`] of `team`'s unassigned tickets, due soonest first.
fn backlog_of(
    conn: &mut DbConnection,
    mail: &MailContext,
    sla: &BookCache,
    team: TeamId,
    now: DateTime<Utc>,
) -> Result<Vec<TicketId>, AppError> {
    let settings = assignment::get(conn, team)?;
    if settings.mode == AssignmentMode::Off {
        return Ok(Vec::new());
    }
    assignment::lock_team(conn, team)?;
    let waiting = assignment::backlog(conn, team, BACKLOG_BATCH)?;
    let mut agents: HashMap<Channel, Vec<Candidate>> = HashMap::new();
    let mut given = Vec::new();
    for id in waiting {
        dialect::lock_ticket(conn, &id.to_string())?;
        let before = tickets::find(conn, id)?;
        // Someone took or moved it since the backlog was read.
        if before.assignee.is_some()
            || before.team != Some(team)
            || !matches!(before.status, Status::New | Status::Open)
        {
            continue;
        }
        let channel = before.channel;
        if let std::collections::hash_map::Entry::Vacant(slot) = agents.entry(channel) {
            slot.insert(assignment::candidates(conn, team, channel, now)?);
        }
        let Some(agent) = agents
            .get(&channel)
            .and_then(|list| pick_assignee(&settings, channel, list))
        else {
            continue;
        };
        for (c, list) in &mut agents {
            for candidate in list.iter_mut().filter(|x| x.agent == agent) {
                candidate.total_load = candidate.total_load.saturating_add(1);
                if *c == channel {
                    candidate.channel_load = candidate.channel_load.saturating_add(1);
                }
                candidate.last_assigned = Some(now);
            }
        }
        let mut after = before.clone();
        after.assignee = Some(agent);
        after.status = status::after_assignment(before.status);
        after.updated_at = now;
        clock::follow(conn, sla, &before, &mut after, Activity::Quiet, now)?;
        tickets::save(conn, &after)?;
        crate::integrations::updated(conn, sla, &before, &after, now)?;
        assignment::record_turn(conn, team, agent, now)?;
        let entry = event(conn, &after, agent, settings.mode, now)?;
        messages::insert(conn, &entry)?;
        notices::assigned(conn, mail, &after, agent, None, now)?;
        given.push(id);
    }
    Ok(given)
}
