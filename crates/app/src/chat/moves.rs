//! Moving a chat between waiting, offered, served and ended: accepting, declining, taking,
//! transferring, ending, and the router's offers and requeues. Every move is a
//! compare-and-set on the conversation's row, so two nodes never move one chat twice.

use chrono::{DateTime, Utc};
use kefu_api_types::chat::{AuthorKind, ChatNote, ServerFrame, TransferTo};
use kefu_domain::chat::{ConversationState, Presence, TransferTarget};
use kefu_domain::ids::{MessageId, TeamId, TicketId, UserId};
use kefu_domain::integration::IntegrationEvent;
use kefu_domain::message::{AuthorKind as MessageAuthor, Message, MessageKind, Visibility};
use kefu_domain::role::Role;
use kefu_domain::ticket::Channel;
use kefu_domain::{status, text, time};
use kefu_store::chat::conversations::{self, Chat, Handover};
use kefu_store::chat::{declines, presence};
use kefu_store::{DbConnection, messages, teams, tickets, users};

use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::chat::events::{Audience, ChatEvent};
use crate::chat::identity::{Agent, Participant};
use crate::chat::notes;
use crate::chat::outcome::Outcome;
use crate::chat::queue;
use crate::error::AppError;
use crate::integrations;
use crate::sla::book::BookCache;
use crate::sla::clock::{self, Activity};
use crate::tickets::history;

/// The longest transfer note, in characters.
pub const NOTE_MAX: usize = 2_000;

/// Reads the conversation on `ticket` and writes `step`'s result if nobody moved it meanwhile.
pub(crate) fn move_chat(
    conn: &mut DbConnection,
    ticket: TicketId,
    now: DateTime<Utc>,
    step: impl FnOnce(&Chat) -> Result<Chat, AppError>,
) -> Result<(Chat, Chat), AppError> {
    // The ticket first, then its conversation, as a group commit of lines takes them, so the
    // two never wait on each other in a circle.
    kefu_store::dialect::lock_ticket(conn, &ticket.to_string())?;
    let before = conversations::find(conn, ticket)?.ok_or(AppError::NotFound("chat"))?;
    let mut after = step(&before)?;
    let state = after.conversation.state;
    if state == ConversationState::Waiting && before.conversation.state != state {
        after.waiting_since = now;
        after.offered_at = None;
    }
    if state == ConversationState::Offered {
        after.offered_at = Some(now);
    }
    if state == ConversationState::Serving && after.served_at.is_none() {
        after.served_at = Some(now);
    }
    if state == ConversationState::Ended {
        after.ended_at = Some(now);
    }
    if !conversations::save_move(conn, &before, &after)? {
        return Err(moved_meanwhile());
    }
    Ok((before, after))
}

/// Someone else moved the chat between reading it and moving it.
pub(crate) fn moved_meanwhile() -> AppError {
    AppError::conflict(
        "chat_moved",
        "someone else moved this chat just now; look again",
    )
}

/// Makes the ticket follow its chat: `agent` works it in `team`, and the timeline says so.
fn assign_ticket(
    conn: &mut DbConnection,
    sla: &BookCache,
    agent: &Agent,
    ticket: TicketId,
    team: TeamId,
    assignee: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    kefu_store::dialect::lock_ticket(conn, &ticket.to_string())?;
    let before = tickets::find(conn, ticket)?;
    let mut after = before.clone();
    after.team = Some(team);
    after.assignee = assignee;
    if assignee.is_some() {
        after.status = status::after_assignment(after.status);
    }
    if after != before {
        after.updated_at = now;
        clock::follow(conn, sla, &before, &mut after, Activity::Quiet, now)?;
        tickets::save(conn, &after)?;
        integrations::updated(conn, sla, &before, &after, now)?;
        history::record(conn, &agent.actor, &before, &after, now)?;
        if before.team != after.team {
            history::reindex(conn, &after)?;
        }
    }
    Ok(())
}

/// Frames for a chat an agent now serves: both sides learn who, the queue loses it.
fn served_events(
    conn: &mut DbConnection,
    before: &Chat,
    after: &Chat,
    agent_name: &str,
) -> Result<Vec<ChatEvent>, AppError> {
    let ticket = after.ticket;
    let mut events = ChatEvent::both_sides(
        ticket,
        after.conversation.agent,
        ServerFrame::Assigned {
            ticket,
            agent: agent_name.to_owned(),
        },
    );
    let team = before.conversation.team;
    events.push(ChatEvent::new(
        Audience::Team(team),
        ServerFrame::QueueRemoved { ticket },
    ));
    if let Some(offered) = before
        .conversation
        .agent
        .filter(|a| Some(*a) != after.conversation.agent)
    {
        events.push(ChatEvent::new(
            Audience::Agent(offered),
            ServerFrame::QueueRemoved { ticket },
        ));
    }
    events.extend(queue::team_events(conn, team)?);
    Ok(events)
}

/// `agent` accepts the chat offered to them.
pub async fn accept(app: &App, agent: Agent, ticket: TicketId) -> Result<Outcome<()>, AppError> {
    serve(app, agent, ticket, false).await
}

/// `agent` takes a chat from their team's queue (admins from any queue).
pub async fn take(app: &App, agent: Agent, ticket: TicketId) -> Result<Outcome<()>, AppError> {
    serve(app, agent, ticket, true).await
}

async fn serve(
    app: &App,
    agent: Agent,
    ticket: TicketId,
    taking: bool,
) -> Result<Outcome<()>, AppError> {
    let sla = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let now = time::now();
            let me = agent.actor.user;
            let (before, after) = move_chat(conn, ticket, now, |chat| {
                if taking {
                    let member = agent.teams.contains(&chat.conversation.team);
                    if !member && agent.actor.role != Role::Admin {
                        return Err(AppError::forbidden(
                            "only the chat's team takes it from the queue",
                        ));
                    }
                    Ok(Chat {
                        conversation: chat.conversation.take(me)?,
                        ..chat.clone()
                    })
                } else {
                    Ok(Chat {
                        conversation: chat.conversation.accept(me)?,
                        ..chat.clone()
                    })
                }
            })?;
            // Declines count for one stay in the queue: if it waits again, anyone may get it.
            declines::forget(conn, ticket)?;
            assign_ticket(
                conn,
                &sla,
                &agent,
                ticket,
                after.conversation.team,
                Some(me),
                now,
            )?;
            let mut events = served_events(conn, &before, &after, &agent.name)?;
            let joined = ChatNote::Joined {
                agent: agent.name.clone(),
            };
            events.extend(notes::record(conn, ticket, Some(me), joined, now)?);
            Ok(Outcome::new(
                (),
                events,
                vec![Change::Ticket {
                    id: ticket,
                    kind: ChangeKind::Updated,
                }],
            ))
        })
        .await
}

/// `agent` declines the chat offered to them; it waits again and goes to someone else, not
/// back to them for [`DECLINE_REMEMBERED`](crate::chat::routing::DECLINE_REMEMBERED) (they can
/// still take it from the queue).
pub async fn decline(app: &App, agent: Agent, ticket: TicketId) -> Result<Outcome<()>, AppError> {
    let team = app
        .store
        .write(move |conn| {
            let now = time::now();
            let (_, after) = move_chat(conn, ticket, now, |chat| {
                Ok(Chat {
                    conversation: chat.conversation.decline(agent.actor.user)?,
                    ..chat.clone()
                })
            })?;
            declines::record(conn, ticket, agent.actor.user, now)?;
            Ok::<_, AppError>(after.conversation.team)
        })
        .await?;
    let mut outcome = crate::chat::routing::route_team(app, team).await?;
    outcome.events.insert(
        0,
        ChatEvent::new(
            Audience::Agent(agent.actor.user),
            ServerFrame::QueueRemoved { ticket },
        ),
    );
    Ok(outcome)
}

/// The serving agent hands the chat to another agent (who is offered it) or to a team's
/// queue, with an internal note for whoever takes it over.
pub async fn transfer(
    app: &App,
    agent: Agent,
    ticket: TicketId,
    to: TransferTo,
    note: Option<String>,
) -> Result<Outcome<()>, AppError> {
    let note = text::optional("note", note.as_deref(), NOTE_MAX, true)?;
    let sla = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let now = time::now();
            let me = agent.actor.user;
            let target = match to {
                TransferTo::Team(team) => {
                    if !teams::exists(conn, team)? {
                        return Err(AppError::invalid("invalid_team", "there is no such team"));
                    }
                    TransferTarget::Team(team)
                }
                TransferTo::Agent(user) => {
                    let target =
                        users::find(conn, user).map_err(AppError::not_found_as("agent"))?;
                    if !target.active || !target.role.is_staff() {
                        return Err(AppError::invalid(
                            "invalid_agent",
                            "chats go to active agents only",
                        ));
                    }
                    // Offered to someone who is not there, it would only come back.
                    let online = presence::get(conn, user)?
                        .is_some_and(|p| p.effective(now) == Presence::Online);
                    if !online {
                        return Err(AppError::conflict(
                            "agent_not_online",
                            "that agent is not online now; pass the chat to their team instead",
                        ));
                    }
                    let current = conversations::find(conn, ticket)?
                        .ok_or(AppError::NotFound("chat"))?
                        .conversation
                        .team;
                    let theirs = teams::of_member(conn, user)?;
                    let team = if theirs.contains(&current) || theirs.is_empty() {
                        current
                    } else {
                        theirs[0]
                    };
                    TransferTarget::Agent(user, team)
                }
            };
            let (before, after) = move_chat(conn, ticket, now, |chat| {
                Ok(Chat {
                    conversation: chat.conversation.transfer(me, target)?,
                    handover: Some(Handover {
                        by: me,
                        note: note.clone(),
                    }),
                    ..chat.clone()
                })
            })?;
            let team = after.conversation.team;
            // A new stay in a queue: earlier declines no longer count, but the router does not
            // hand the chat back to the agent who passed it on.
            declines::forget(conn, ticket)?;
            if let TransferTarget::Team(_) = target {
                declines::passed_on(conn, ticket, me, now)?;
            }
            assign_ticket(conn, &sla, &agent, ticket, team, None, now)?;
            if let Some(body) = &note {
                let message = Message {
                    id: MessageId::new(),
                    ticket,
                    kind: MessageKind::Note,
                    visibility: Visibility::Internal,
                    author_kind: MessageAuthor::Agent,
                    author_user: Some(me),
                    author_customer: None,
                    channel: Channel::Chat,
                    body: body.clone(),
                    data: None,
                    created_at: now,
                };
                messages::insert(conn, &message)?;
                let saved = tickets::find(conn, ticket)?;
                history::index_message(conn, &saved, &message)?;
            }
            let mut events = vec![
                ChatEvent::new(
                    Audience::Visitor(ticket),
                    ServerFrame::Transferred {
                        ticket,
                        team,
                        note: None,
                    },
                ),
                ChatEvent::new(
                    Audience::Agent(me),
                    ServerFrame::Transferred {
                        ticket,
                        team,
                        note: note.clone(),
                    },
                ),
            ];
            if let TransferTarget::Agent(user, _) = target {
                let list = conversations::queue(conn, Some(&[team]))?;
                if let Some(q) = list.iter().find(|q| q.chat.ticket == ticket) {
                    let position = list
                        .iter()
                        .position(|x| x.chat.ticket == ticket)
                        .unwrap_or(0);
                    events.push(ChatEvent::new(
                        Audience::Agent(user),
                        ServerFrame::Offered {
                            chat: queue::queued_chat(q, u32::try_from(position + 1).unwrap_or(1)),
                        },
                    ));
                }
            }
            let passed = ChatNote::Transferred;
            events.extend(notes::record(conn, ticket, Some(me), passed, now)?);
            events.extend(queue::team_events(conn, team)?);
            if before.conversation.team != team {
                events.extend(queue::team_events(conn, before.conversation.team)?);
            }
            Ok(Outcome::new(
                (),
                events,
                vec![Change::Ticket {
                    id: ticket,
                    kind: ChangeKind::Updated,
                }],
            ))
        })
        .await
}

/// Ends a chat: its visitor, its serving agent, or an admin. The ticket goes on.
pub async fn end(
    app: &App,
    who: &Participant,
    ticket: Option<TicketId>,
) -> Result<Outcome<TicketId>, AppError> {
    let who = who.clone();
    let sla = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let now = time::now();
            let ticket = match (&who, ticket) {
                (_, Some(ticket)) => ticket,
                (Participant::Visitor(v), None) => {
                    crate::chat::start::current(conn, v.id)?.ok_or(AppError::NotFound("chat"))?
                }
                (Participant::Agent(_), None) => {
                    return Err(AppError::invalid(
                        "ticket_required",
                        "say which chat in `ticket`",
                    ));
                }
            };
            let may_end = |chat: &Chat| match &who {
                Participant::Visitor(v) => v.id == chat.visitor,
                Participant::Agent(a) => {
                    chat.conversation.agent == Some(a.actor.user) || a.actor.role == Role::Admin
                }
            };
            let ender = match &who {
                Participant::Visitor(_) => Ender::Visitor,
                Participant::Agent(a) => Ender::Agent(a.name.clone()),
            };
            end_chat(conn, &sla, ticket, now, ender, may_end)
        })
        .await
}

/// Who ends a chat.
enum Ender {
    /// Its visitor.
    Visitor,
    /// An agent, by display name.
    Agent(String),
    /// Kefu (the visitor left before anyone answered).
    System,
}

/// Ends the chat on `ticket` for `ender`, if `may` allows it: both sides are told, and its
/// queue if it was waiting.
fn end_chat(
    conn: &mut DbConnection,
    sla: &BookCache,
    ticket: TicketId,
    now: DateTime<Utc>,
    ender: Ender,
    may: impl FnOnce(&Chat) -> bool,
) -> Result<Outcome<TicketId>, AppError> {
    let (ender, agent_name) = match ender {
        Ender::Visitor => (AuthorKind::Visitor, None),
        Ender::Agent(name) => (AuthorKind::Agent, Some(name)),
        Ender::System => (AuthorKind::System, None),
    };
    let ended_by = match ender {
        AuthorKind::Visitor => "visitor",
        AuthorKind::Agent => "agent",
        AuthorKind::System => "system",
    };
    let (before, after) = move_chat(conn, ticket, now, |chat| {
        if !may(chat) {
            return Err(AppError::NotFound("chat"));
        }
        Ok(Chat {
            conversation: chat.conversation.end()?,
            ended_by: Some(ended_by.into()),
            ..chat.clone()
        })
    })?;
    let ended = tickets::find(conn, ticket)?;
    integrations::ticket_event(
        conn,
        sla,
        IntegrationEvent::ChatEnded,
        &ended,
        Some(("ended_by", serde_json::Value::from(ended_by))),
        now,
    )?;
    let mut events = ChatEvent::both_sides(
        ticket,
        before.conversation.agent,
        ServerFrame::Ended {
            ticket,
            by: ender,
            ask_expectation: crate::surveys::settings::read(conn)?.ask_expectation,
            rated: false,
        },
    );
    // The note goes to whoever served it; an agent only offered it never had it open.
    let served_by = before
        .conversation
        .agent
        .filter(|_| before.conversation.state == ConversationState::Serving);
    events.extend(notes::record(
        conn,
        ticket,
        served_by,
        ChatNote::Ended {
            by: ender,
            agent: agent_name,
        },
        now,
    )?);
    if let Some(agent) = before.conversation.agent
        && conversations::of_agent(conn, agent)?.is_empty()
    {
        presence::idle_from(conn, agent, now)?;
    }
    if matches!(
        before.conversation.state,
        ConversationState::Waiting | ConversationState::Offered
    ) {
        let team = after.conversation.team;
        events.push(ChatEvent::new(
            Audience::Team(team),
            ServerFrame::QueueRemoved { ticket },
        ));
        events.extend(queue::team_events(conn, team)?);
    }
    Ok(Outcome::new(
        ticket,
        events,
        vec![Change::Ticket {
            id: ticket,
            kind: ChangeKind::Updated,
        }],
    ))
}

/// Ends the waiting chat on `ticket` whose visitor left before anyone answered (Kefu ends
/// it; the ticket goes on, answered by email when the visitor gave one).
pub(crate) fn end_abandoned(
    conn: &mut DbConnection,
    sla: &BookCache,
    ticket: TicketId,
    now: DateTime<Utc>,
) -> Result<Outcome<TicketId>, AppError> {
    end_chat(conn, sla, ticket, now, Ender::System, |chat| {
        matches!(
            chat.conversation.state,
            ConversationState::Waiting | ConversationState::Offered
        )
    })
}
