//! The queues agents see and the places visitors wait in.

use std::collections::HashMap;

use kefu_api_types::chat::{Handover, QueuedChat, ServerFrame};
use kefu_domain::chat::{ConversationState, WAITS_REMEMBERED, expected_wait};
use kefu_domain::ids::TeamId;
use kefu_store::chat::conversations::{self, Queued};
use kefu_store::{DbConnection, StoreError};

use crate::App;
use crate::chat::events::{Audience, ChatEvent};
use crate::chat::identity::Agent;
use crate::error::AppError;

/// A queued chat as agents see it, at `position` in its team's queue.
pub fn queued_chat(q: &Queued, position: u32) -> QueuedChat {
    QueuedChat {
        ticket: q.chat.ticket,
        number: q.number,
        visitor: q.visitor.clone(),
        stage: q.stage,
        team: q.chat.conversation.team,
        position,
        waiting_since: q.chat.waiting_since,
        offered_to: q.chat.conversation.agent,
        page_url: q.chat.context.page_url.clone(),
        language: q.chat.context.language.clone(),
        browser: q
            .chat
            .context
            .user_agent
            .as_deref()
            .and_then(kefu_domain::browser::describe),
        customer: q.requester,
        handover: q.chat.handover.as_ref().map(|h| Handover {
            from: q.handed_over_by.clone().unwrap_or_default(),
            note: h.note.clone(),
        }),
    }
}

/// Every chat of these queues with its place in its team's queue, oldest first: a chat
/// offered to an agent is next (1); a waiting one comes after the waiting chats before it.
fn numbered(list: Vec<Queued>) -> Vec<QueuedChat> {
    let mut waiting_ahead: HashMap<TeamId, u32> = HashMap::new();
    list.iter()
        .map(|q| {
            let ahead = waiting_ahead.entry(q.chat.conversation.team).or_default();
            if q.chat.conversation.state == ConversationState::Offered {
                return queued_chat(q, 1);
            }
            *ahead += 1;
            queued_chat(q, *ahead)
        })
        .collect()
}

/// A chat's place in its team's queue, as [`numbered`] counts it.
pub fn place_of(
    conn: &mut DbConnection,
    team: TeamId,
    ticket: kefu_domain::ids::TicketId,
) -> Result<u32, StoreError> {
    let list = conversations::queue(conn, Some(&[team]))?;
    Ok(numbered(list)
        .into_iter()
        .find(|c| c.ticket == ticket)
        .map_or(1, |c| c.position))
}

/// The waiting chats an agent sees: their teams' (every team's for an admin in none).
pub async fn snapshot(app: &App, agent: &Agent) -> Result<Vec<QueuedChat>, AppError> {
    let teams = agent.teams.clone();
    let everyone = teams.is_empty() && agent.actor.role == kefu_domain::role::Role::Admin;
    let list = app
        .store
        .read(move |conn| conversations::queue(conn, (!everyone).then_some(teams.as_slice())))
        .await?;
    Ok(numbered(list))
}

/// What a team's queue looks like now, as events: each chat's place for the team's agents,
/// and each waiting visitor's place and expected wait.
pub fn team_events(conn: &mut DbConnection, team: TeamId) -> Result<Vec<ChatEvent>, StoreError> {
    let list = conversations::queue(conn, Some(&[team]))?;
    let waits = conversations::recent_waits(conn, team, WAITS_REMEMBERED as i64)?;
    let mut events = Vec::with_capacity(list.len() * 2);
    for chat in numbered(list) {
        let ticket = chat.ticket;
        let position = chat.position;
        events.push(ChatEvent::new(
            Audience::Visitor(ticket),
            ServerFrame::QueuePosition {
                ticket,
                position,
                expected_wait_seconds: expected_wait(position, &waits).map(|d| d.as_secs()),
            },
        ));
        events.push(ChatEvent::new(
            Audience::Team(team),
            ServerFrame::QueueUpdate { chat },
        ));
    }
    Ok(events)
}

/// The frame that tells a client where a conversation stands, for a client that (re)joins:
/// the visitor, or `agent` (who is told `assigned` only if they serve it: a console reads
/// `assigned` as the chat being theirs).
pub fn standing(
    conn: &mut DbConnection,
    ticket: kefu_domain::ids::TicketId,
    agent: Option<kefu_domain::ids::UserId>,
) -> Result<Option<ServerFrame>, StoreError> {
    let Some(chat) = conversations::find(conn, ticket)? else {
        return Ok(None);
    };
    let team = chat.conversation.team;
    Ok(match chat.conversation.state {
        ConversationState::Waiting | ConversationState::Offered => {
            let position = place_of(conn, team, ticket)?;
            let waits = conversations::recent_waits(conn, team, WAITS_REMEMBERED as i64)?;
            Some(ServerFrame::QueuePosition {
                ticket,
                position,
                expected_wait_seconds: expected_wait(position, &waits).map(|d| d.as_secs()),
            })
        }
        ConversationState::Serving
            if agent.is_some_and(|reader| chat.conversation.agent != Some(reader)) =>
        {
            None
        }
        ConversationState::Serving => {
            let agent = chat.conversation.agent;
            let name = match agent {
                Some(id) => kefu_store::users::names(conn, &[id])?
                    .remove(&id)
                    .unwrap_or_default(),
                None => String::new(),
            };
            Some(ServerFrame::Assigned {
                ticket,
                agent: name,
            })
        }
        ConversationState::Ended => Some(ServerFrame::Ended {
            ticket,
            by: match chat.ended_by.as_deref() {
                Some("visitor") => kefu_api_types::chat::AuthorKind::Visitor,
                Some("agent") => kefu_api_types::chat::AuthorKind::Agent,
                _ => kefu_api_types::chat::AuthorKind::System,
            },
            ask_expectation: crate::surveys::settings::read(conn)?.ask_expectation,
            rated: chat.rating.is_some(),
        }),
    })
}
