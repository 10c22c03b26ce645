//! The router: offers waiting chats to agents with room, withdraws offers nobody answered,
//! and puts the chats of agents who left back in the queue after their team's grace period.
//! Every gateway node runs it; the moves are compare-and-set, so they never collide.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kefu_api_types::chat::{ChatNote, ServerFrame};
use kefu_domain::chat::{AgentLoad, ChatSettings, Conversation, ConversationState, pick_agent};
use kefu_domain::error::DomainError;
use kefu_domain::ids::{TeamId, TicketId, UserId};
use kefu_domain::time;
use kefu_store::chat::conversations::{self, Chat, Queued};
use kefu_store::chat::{declines, presence, team_settings};
use kefu_store::{DbConnection, dialect, users};

use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::chat::abandoned;
use crate::chat::events::{Audience, ChatEvent};
use crate::chat::moves::{self, move_chat, moved_meanwhile};
use crate::chat::notes;
use crate::chat::outcome::Outcome;
use crate::chat::queue;
use crate::error::AppError;

/// How long an agent has to accept an offered chat before it is offered to someone else.
pub const OFFER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long the router passes over an agent who declined a chat or let its offer lapse: a
/// chat still waiting after that is offered to them again (a lone agent back at their desk
/// is reminded of it).
pub const DECLINE_REMEMBERED: Duration = Duration::from_secs(120);

/// Offers `team`'s waiting chats, oldest first, to its online agents with room (never to one
/// who declined the chat in the last [`DECLINE_REMEMBERED`]), then tells the queue where
/// everyone stands.
pub async fn route_team(app: &App, team: TeamId) -> Result<Outcome<()>, AppError> {
    app.store
        .write(move |conn| {
            let events = route_in(conn, team, true)?;
            Ok::<_, AppError>(Outcome::new((), events, Vec::new()))
        })
        .await
}

/// A team's queue as the router reads it: its waiting chats, its agents' loads, and who
/// declined which chat lately.
struct TeamQueue {
    settings: ChatSettings,
    loads: Vec<AgentLoad>,
    waiting: Vec<Queued>,
    declined: HashMap<TicketId, Vec<UserId>>,
}

impl TeamQueue {
    /// `team`'s queue as it stands.
    fn read(conn: &mut DbConnection, team: TeamId, now: DateTime<Utc>) -> Result<Self, AppError> {
        let queued = conversations::queue(conn, Some(&[team]))?;
        Self::around(conn, team, now, queued)
    }

    /// `team`'s queue around its chats already read (`queued`; those waiting count).
    fn around(
        conn: &mut DbConnection,
        team: TeamId,
        now: DateTime<Utc>,
        queued: Vec<Queued>,
    ) -> Result<Self, AppError> {
        let settings = team_settings::get(conn, team)?;
        let loads = conversations::loads(conn, team, now)?;
        let waiting: Vec<_> = queued
            .into_iter()
            .filter(|q| q.chat.conversation.state == ConversationState::Waiting)
            .collect();
        let room = pick_agent(&loads, settings.capacity, &[]).is_some();
        let declined = if room && !waiting.is_empty() {
            let remembered = chrono::TimeDelta::from_std(DECLINE_REMEMBERED).unwrap_or_default();
            declines::of_waiting(conn, team, now - remembered)?
        } else {
            HashMap::new()
        };
        Ok(Self {
            settings,
            loads,
            waiting,
            declined,
        })
    }

    /// Who declined `ticket` lately.
    fn declined(&self, ticket: TicketId) -> &[UserId] {
        self.declined.get(&ticket).map_or(&[][..], Vec::as_slice)
    }

    /// Whether some waiting chat has an agent to be offered to now.
    fn has_offer(&self) -> bool {
        self.waiting.iter().any(|q| {
            pick_agent(
                &self.loads,
                self.settings.capacity,
                self.declined(q.chat.ticket),
            )
            .is_some()
        })
    }
}

/// Routes `team`'s queue; the queue's events are returned when a chat was offered or when
/// `report` asks for them anyway (the queue changed before).
fn route_in(
    conn: &mut DbConnection,
    team: TeamId,
    report: bool,
) -> Result<Vec<ChatEvent>, AppError> {
    let now = time::now();
    let mut queue = TeamQueue::read(conn, team, now)?;
    let mut events = Vec::new();
    let mut offers = 0;
    // Who gets which chat, oldest first, each agent's load counting the offers before.
    let mut plan = Vec::new();
    for q in std::mem::take(&mut queue.waiting) {
        let declined = queue.declined(q.chat.ticket);
        let Some(agent) = pick_agent(&queue.loads, queue.settings.capacity, declined) else {
            // Nobody for this chat; a later one may have someone (its decliners differ).
            continue;
        };
        if let Some(load) = queue.loads.iter_mut().find(|l| l.agent == agent) {
            load.chats += 1;
        }
        plan.push((q, agent));
    }
    // Only the chats it offers, locked in the order a group commit of chat lines takes them.
    dialect::lock_tickets_in_order(conn, plan.iter().map(|(q, _)| q.chat.ticket))?;
    for (q, agent) in plan {
        let offered = move_chat(conn, q.chat.ticket, now, |chat| {
            unmoved(&q.chat, chat, |c| c.offer(agent))
        });
        match offered {
            Ok(_) => offers += 1,
            // Another node moved it first: it is theirs to announce (the agent's room is
            // counted again next round).
            Err(AppError::Conflict {
                code: "chat_moved", ..
            }) => continue,
            Err(other) => return Err(other),
        }
    }
    if offers == 0 && !report {
        return Ok(events);
    }
    let fresh = conversations::queue(conn, Some(&[team]))?;
    for q in &fresh {
        if let (ConversationState::Offered, Some(agent)) =
            (q.chat.conversation.state, q.chat.conversation.agent)
            && q.chat.offered_at.is_some_and(|at| at >= now)
        {
            events.push(ChatEvent::new(
                Audience::Agent(agent),
                ServerFrame::Offered {
                    chat: queue::queued_chat(q, 1),
                },
            ));
        }
    }
    events.extend(queue::team_events(conn, team)?);
    Ok(events)
}

/// `step` applied to `current` if the chat is still as the router read it (`seen`). Writers
/// run side by side (PostgreSQL, several nodes): meanwhile an agent may have taken it, another
/// node offered it or the visitor ended it, and then the move is theirs, not the router's. A
/// chat offered and declined meanwhile looks the same but has waited again since later (and
/// the router's list of who declined it is out of date).
fn unmoved(
    seen: &Chat,
    current: &Chat,
    step: impl FnOnce(&Conversation) -> Result<Conversation, DomainError>,
) -> Result<Chat, AppError> {
    if current.conversation != seen.conversation || current.waiting_since != seen.waiting_since {
        return Err(moved_meanwhile());
    }
    Ok(Chat {
        conversation: step(&current.conversation)?,
        ..current.clone()
    })
}

/// A chat the router found due to wait again: its agent left past the grace period, or its
/// offer lapsed.
struct Due {
    chat: Chat,
    agent: UserId,
    lapsed: bool,
}

/// What a round of the router has to do, found with a read.
struct Round {
    /// Chats due to wait again.
    due: Vec<Due>,
    /// Teams with a waiting chat that someone could be offered now.
    routable: Vec<TeamId>,
    /// Waiting chats whose visitor has gone.
    abandoned: Vec<TicketId>,
}

impl Round {
    fn is_empty(&self) -> bool {
        self.due.is_empty() && self.routable.is_empty() && self.abandoned.is_empty()
    }
}

/// What a round of the router has to do at `now`, found with a read.
fn due(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Round, AppError> {
    let offer_timeout =
        chrono::TimeDelta::from_std(OFFER_TIMEOUT).unwrap_or(chrono::TimeDelta::MAX);
    let mut graces: HashMap<TeamId, Duration> = HashMap::new();
    let mut due = Vec::new();
    for q in conversations::active(conn)? {
        let chat = q.chat;
        let Some(agent) = chat.conversation.agent else {
            continue;
        };
        let team = chat.conversation.team;
        let grace = match graces.get(&team) {
            Some(grace) => *grace,
            None => {
                let grace = team_settings::get(conn, team)?.grace;
                graces.insert(team, grace);
                grace
            }
        };
        let gone = presence::get(conn, agent)?.is_none_or(|p| p.grace_over(now, grace));
        let lapsed = chat.conversation.state == ConversationState::Offered
            && chat.offered_at.is_some_and(|at| at + offer_timeout <= now);
        if gone || lapsed {
            due.push(Due {
                chat,
                agent,
                lapsed,
            });
        }
    }
    let mut waiting: HashMap<TeamId, Vec<Queued>> = HashMap::new();
    for q in conversations::queue(conn, None)? {
        if q.chat.conversation.state == ConversationState::Waiting {
            waiting.entry(q.chat.conversation.team).or_default().push(q);
        }
    }
    // Only a queue with a chat someone could be offered needs a write.
    let mut routable = Vec::with_capacity(waiting.len());
    for (team, queued) in waiting {
        if TeamQueue::around(conn, team, now, queued)?.has_offer() {
            routable.push(team);
        }
    }
    Ok(Round {
        due,
        routable,
        abandoned: abandoned::gone(conn, now)?,
    })
}

/// One round of the router over every queue: waiting chats whose visitor left end, lapsed
/// offers and chats their agent left wait again (one transaction), then every team with a
/// chat someone could be offered now is routed (a transaction per team). It looks with a read
/// first and writes only when something is due, so a round with nothing to do never holds up
/// the chat lines' group commits (SQLite has one writer); each transaction locks the chats it
/// moves up front, in the order those commits lock them (PostgreSQL).
pub async fn sweep(app: &App) -> Result<Outcome<()>, AppError> {
    let round = app.store.read(|conn| due(conn, time::now())).await?;
    if round.is_empty() {
        return Ok(Outcome::quiet(()));
    }
    let Round {
        due,
        routable: waiting,
        abandoned,
    } = round;
    let sla = app.sla_book.clone();
    let mut round = app
        .store
        .write(move |conn| {
            let now = time::now();
            // The chats this transaction may move, locked up front in the group commits' order.
            dialect::lock_tickets_in_order(
                conn,
                due.iter()
                    .map(|d| d.chat.ticket)
                    .chain(abandoned.iter().copied()),
            )?;
            let mut events = Vec::new();
            let mut changes = Vec::new();
            // Ended only if still gone: the visitor may have come back since the read.
            if !abandoned.is_empty() {
                for ticket in abandoned::gone(conn, now)? {
                    if !abandoned.contains(&ticket) {
                        continue;
                    }
                    match moves::end_abandoned(conn, &sla, ticket, now) {
                        Ok(outcome) => {
                            events.extend(outcome.events);
                            changes.extend(outcome.changes);
                        }
                        Err(AppError::Conflict {
                            code: "chat_moved", ..
                        }) => {}
                        Err(other) => return Err(other),
                    }
                }
            }
            let mut changed: Vec<TeamId> = Vec::new();
            for Due {
                chat,
                agent,
                lapsed,
            } in &due
            {
                let team = chat.conversation.team;
                // Moved only if it is still as read: anyone may have moved it since.
                let moved = move_chat(conn, chat.ticket, now, |c| {
                    let mut requeued = unmoved(chat, c, Conversation::requeue)?;
                    // Whoever served it after the last transfer has left: that note is old.
                    if c.conversation.state == ConversationState::Serving {
                        requeued.handover = None;
                    }
                    Ok(requeued)
                });
                match moved {
                    Ok((before, _)) => {
                        // The visitor learns their agent left (an offer they never saw), and
                        // so does that agent, whose console may still show the chat (away).
                        if before.conversation.state == ConversationState::Serving {
                            let name = users::names(conn, &[*agent])?
                                .remove(agent)
                                .unwrap_or_default();
                            let left = ChatNote::Requeued { agent: name };
                            events.extend(notes::record(
                                conn,
                                chat.ticket,
                                Some(*agent),
                                left,
                                now,
                            )?);
                            changes.push(Change::Ticket {
                                id: chat.ticket,
                                kind: ChangeKind::Updated,
                            });
                        }
                        // An offer left unanswered counts as declined: the router tries
                        // someone else rather than the absent agent again.
                        if *lapsed {
                            declines::record(conn, chat.ticket, *agent, now)?;
                        }
                        events.push(ChatEvent::new(
                            Audience::Agent(*agent),
                            ServerFrame::QueueRemoved {
                                ticket: chat.ticket,
                            },
                        ));
                        changed.push(team);
                    }
                    Err(AppError::Conflict {
                        code: "chat_moved", ..
                    }) => {}
                    Err(other) => return Err(other),
                }
            }
            Ok::<_, AppError>(Outcome::new(changed, events, changes))
        })
        .await?;
    // Then each queue with someone to offer a chat to, or one a chat went back to, in a
    // transaction of its own (each locks only the chats it offers).
    let changed = std::mem::take(&mut round.value);
    let mut teams = changed.clone();
    teams.extend(waiting);
    teams.sort();
    teams.dedup();
    for team in teams {
        let report = changed.contains(&team);
        // What was moved above is committed and must still be announced: a queue that fails
        // to route now is routed again next round.
        match app
            .store
            .write(move |conn| route_in(conn, team, report))
            .await
        {
            Ok(routed) => round.events.extend(routed),
            Err(error) => {
                tracing::warn!(%error, %team, "routing a queue failed; retrying next round")
            }
        }
    }
    Ok(Outcome::new((), round.events, round.changes))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use kefu_domain::ids::{TicketId, UserId, VisitorId};
    use kefu_store::chat::conversations::VisitorContext;

    use super::*;

    fn moved_meanwhile_error(result: &Result<Chat, AppError>) -> bool {
        matches!(
            result,
            Err(AppError::Conflict {
                code: "chat_moved",
                ..
            })
        )
    }

    fn waiting_chat(team: TeamId) -> Chat {
        let (ticket, visitor) = (TicketId::new(), VisitorId::new());
        Chat::new(
            ticket,
            visitor,
            team,
            VisitorContext::default(),
            time::now(),
        )
    }

    #[test]
    fn the_router_offers_a_chat_still_waiting() {
        let (team, agent) = (TeamId::new(), UserId::new());
        let chat = waiting_chat(team);
        let offered = unmoved(&chat, &chat, |c| c.offer(agent)).unwrap();
        assert_eq!(offered.conversation.state, ConversationState::Offered);
        assert_eq!(offered.conversation.agent, Some(agent));
    }

    #[test]
    fn a_chat_offered_by_another_node_meanwhile_is_theirs() {
        let (team, ours, theirs) = (TeamId::new(), UserId::new(), UserId::new());
        let seen = waiting_chat(team);
        let current = Chat {
            conversation: seen.conversation.offer(theirs).unwrap(),
            ..seen.clone()
        };
        let refused = unmoved(&seen, &current, |c| c.offer(ours));
        assert!(moved_meanwhile_error(&refused), "{refused:?}");
    }

    #[test]
    fn a_chat_offered_and_declined_meanwhile_is_left_for_the_next_round() {
        let (team, agent) = (TeamId::new(), UserId::new());
        let seen = waiting_chat(team);
        // Offered to the agent, declined: waiting again, as before, but since later.
        let current = Chat {
            waiting_since: seen.waiting_since + chrono::Duration::seconds(1),
            ..seen.clone()
        };
        let refused = unmoved(&seen, &current, |c| c.offer(agent));
        assert!(moved_meanwhile_error(&refused), "{refused:?}");
    }

    #[test]
    fn a_chat_transferred_meanwhile_is_not_put_back_in_the_queue() {
        let (team, gone, other) = (TeamId::new(), UserId::new(), UserId::new());
        let chat = waiting_chat(team);
        let serving = |agent| Chat {
            conversation: chat.conversation.take(agent).unwrap(),
            ..chat.clone()
        };
        let (seen, current) = (serving(gone), serving(other));
        let refused = unmoved(&seen, &current, Conversation::requeue);
        assert!(matches!(refused, Err(AppError::Conflict { .. })));
        let requeued = unmoved(&seen, &seen, Conversation::requeue).unwrap();
        assert_eq!(requeued.conversation.state, ConversationState::Waiting);
    }
}
