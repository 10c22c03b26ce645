//! Agents' presence: what they choose (online, away, offline) and whether a gateway node holds
//! a socket of theirs. Colleagues see it change; going online routes the waiting chats.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use kefu_api_types::chat::ServerFrame;
use kefu_api_types::widgets::OnlineAgent;
use kefu_domain::chat::{AgentPresence, Presence};
use kefu_domain::ids::UserId;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::chat::{conversations, presence};
use kefu_store::{StoreError, teams, users};

use crate::App;
use crate::chat::events::{Audience, ChatEvent};
use crate::chat::identity::Agent;
use crate::chat::outcome::Outcome;
use crate::chat::routing;
use crate::error::AppError;

/// How often a gateway node renews the connections it holds.
pub const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// How long a renewal lasts: a node that stops renewing (it crashed) loses its agents then.
pub const CONNECTION_LEASE: Duration = Duration::seconds(30);

/// Tells the agent's colleagues (the agents of their teams) their presence.
fn presence_events(agent: &Agent, presence: Presence) -> Vec<ChatEvent> {
    agent
        .teams
        .iter()
        .map(|team| {
            ChatEvent::new(
                Audience::Team(*team),
                ServerFrame::Presence {
                    agent: agent.actor.user,
                    presence,
                },
            )
        })
        .collect()
}

/// An agent's socket opened: they count as connected, with the presence they chose last
/// (online the first time). Returns it. If they were not connected already (this is not
/// another tab of theirs), colleagues are told and their teams' queues routed.
pub async fn connect(app: &App, agent: &Agent) -> Result<Outcome<AgentPresence>, AppError> {
    let user = agent.actor.user;
    let now = time::now();
    let (was, stored) = app
        .store
        .write(move |conn| {
            let was = presence::get(conn, user)?.map(|p| p.effective(now));
            let stored = presence::connect(conn, user, now, now + CONNECTION_LEASE)?;
            Ok::<_, StoreError>((was, stored))
        })
        .await?;
    if was == Some(stored.chosen) {
        return Ok(Outcome::quiet(stored));
    }
    let mut events = presence_events(agent, stored.chosen);
    if stored.chosen == Presence::Online {
        for team in &agent.teams {
            events.extend(routing::route_team(app, *team).await?.events);
        }
    }
    Ok(Outcome::new(stored, events, Vec::new()))
}

/// The agent chooses a presence.
pub async fn choose(app: &App, agent: &Agent, chosen: Presence) -> Result<Outcome<()>, AppError> {
    let user = agent.actor.user;
    app.store
        .write(move |conn| {
            let now = time::now();
            let mut stored = presence::connect(conn, user, now, now + CONNECTION_LEASE)?;
            if stored.chosen != chosen {
                if chosen == Presence::Online {
                    stored.idle_since = now;
                }
                stored.chosen = chosen;
                stored.changed_at = now;
                presence::save(conn, user, &stored)?;
            }
            Ok::<_, StoreError>(())
        })
        .await?;
    let mut events = presence_events(agent, chosen);
    // Their other tabs show it too.
    events.push(ChatEvent::new(
        Audience::Agent(user),
        ServerFrame::OwnPresence { presence: chosen },
    ));
    if chosen == Presence::Online {
        for team in &agent.teams {
            events.extend(routing::route_team(app, *team).await?.events);
        }
    }
    Ok(Outcome::new((), events, Vec::new()))
}

/// Keeps the agents whose sockets this node holds connected for another lease.
pub async fn renew(app: &App, agents: Vec<UserId>, now: DateTime<Utc>) -> Result<(), AppError> {
    if agents.is_empty() {
        return Ok(());
    }
    app.store
        .write(move |conn| presence::renew(conn, &agents, now + CONNECTION_LEASE))
        .await?;
    Ok(())
}

/// The agent's last socket on this node closed; colleagues see them offline.
pub async fn disconnect(app: &App, agent: &Agent) -> Result<Outcome<()>, AppError> {
    let user = agent.actor.user;
    app.store
        .write(move |conn| presence::disconnect(conn, user, time::now()))
        .await?;
    Ok(Outcome::new(
        (),
        presence_events(agent, Presence::Offline),
        Vec::new(),
    ))
}

/// Every agent online now, by name, with their teams and how many chats they have: whom a
/// chat can be passed on to (agents and admins ask).
pub async fn online_agents(app: &App, actor: Actor) -> Result<Vec<OnlineAgent>, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let now = time::now();
            let online: Vec<UserId> = presence::all(conn)?
                .into_iter()
                .filter(|(_, p)| p.effective(now) == Presence::Online)
                .map(|(id, _)| id)
                .collect();
            // Only active agents and admins can be passed a chat.
            let mut names = HashMap::new();
            for id in &online {
                let user = users::find(conn, *id)?;
                if user.active && user.role.is_staff() {
                    names.insert(*id, user.name);
                }
            }
            let chats = conversations::chats_of(conn, &online)?;
            let teams = teams::list(conn)?;
            let mut agents: Vec<OnlineAgent> = online
                .into_iter()
                .filter_map(|id| {
                    Some(OnlineAgent {
                        id,
                        name: names.get(&id)?.clone(),
                        chats: chats.get(&id).copied().unwrap_or(0),
                        teams: teams
                            .iter()
                            .filter(|t| t.members.contains(&id))
                            .map(|t| t.id)
                            .collect(),
                    })
                })
                .collect();
            agents.sort_by(|a, b| a.name.cmp(&b.name));
            Ok::<_, AppError>(agents)
        })
        .await
}
