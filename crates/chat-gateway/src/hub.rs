//! This node's sockets: who holds each, which audiences each is in, and the queues their
//! frames wait in. Frames are serialised once and shared by every socket they go to.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use kefu_app::chat::{Audience, ChatEvent};
use kefu_domain::ids::{TicketId, UserId};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::Utf8Bytes;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

/// A socket's number on this node.
pub type ConnId = u64;

/// What a socket's task is handed to send.
#[derive(Clone, Debug)]
pub enum Outbound {
    /// An announced frame, with its JSON.
    Event(Arc<ChatEvent>, Utf8Bytes),
    /// Lines of a conversation may have been missed: read them from the database.
    CatchUp(TicketId),
    /// Close the socket.
    Close(CloseFrame),
}

struct Conn {
    tx: mpsc::Sender<Outbound>,
    kill: Arc<Notify>,
    audiences: HashSet<Audience>,
    agent: Option<UserId>,
    ip: IpAddr,
}

#[derive(Default)]
struct Inner {
    next: ConnId,
    conns: HashMap<ConnId, Conn>,
    members: HashMap<Audience, HashSet<ConnId>>,
    per_ip: HashMap<IpAddr, usize>,
    /// How many sockets each agent holds here.
    per_agent: HashMap<UserId, usize>,
}

/// The registry of this node's sockets.
#[derive(Default)]
pub struct Hub {
    inner: Mutex<Inner>,
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a new socket from `ip`; `false` if that address already holds `limit`.
    pub fn admit(&self, ip: IpAddr, limit: usize) -> bool {
        let mut inner = self.lock();
        let count = inner.per_ip.entry(ip).or_default();
        if *count >= limit {
            return false;
        }
        *count += 1;
        true
    }

    /// Forgets a socket counted by [`Hub::admit`] that never registered.
    pub fn release(&self, ip: IpAddr) {
        let mut inner = self.lock();
        if let Some(count) = inner.per_ip.get_mut(&ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                inner.per_ip.remove(&ip);
            }
        }
    }

    /// Registers an authenticated socket; returns its number.
    pub fn register(
        &self,
        tx: mpsc::Sender<Outbound>,
        kill: Arc<Notify>,
        agent: Option<UserId>,
        ip: IpAddr,
    ) -> ConnId {
        let mut inner = self.lock();
        inner.next += 1;
        let id = inner.next;
        if let Some(agent) = agent {
            *inner.per_agent.entry(agent).or_default() += 1;
        }
        inner.conns.insert(
            id,
            Conn {
                tx,
                kill,
                audiences: HashSet::new(),
                agent,
                ip,
            },
        );
        id
    }

    /// Adds a socket to an audience.
    pub fn join(&self, id: ConnId, audience: Audience) {
        let mut inner = self.lock();
        if let Some(conn) = inner.conns.get_mut(&id) {
            conn.audiences.insert(audience);
            inner.members.entry(audience).or_default().insert(id);
        }
    }

    /// The chats whose visitor holds a socket here.
    pub fn visitor_chats(&self) -> Vec<TicketId> {
        self.lock()
            .members
            .keys()
            .filter_map(|audience| match audience {
                Audience::Visitor(ticket) => Some(*ticket),
                _ => None,
            })
            .collect()
    }

    /// Removes a socket; returns the agent it was, and whether that agent has no other
    /// socket here now.
    pub fn remove(&self, id: ConnId) -> Option<(UserId, bool)> {
        let mut inner = self.lock();
        let conn = inner.conns.remove(&id)?;
        for audience in &conn.audiences {
            if let Some(set) = inner.members.get_mut(audience) {
                set.remove(&id);
                if set.is_empty() {
                    inner.members.remove(audience);
                }
            }
        }
        if let Some(count) = inner.per_ip.get_mut(&conn.ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                inner.per_ip.remove(&conn.ip);
            }
        }
        let agent = conn.agent?;
        let left = inner.per_agent.get_mut(&agent).map_or(0, |n| {
            *n = n.saturating_sub(1);
            *n
        });
        if left == 0 {
            inner.per_agent.remove(&agent);
        }
        Some((agent, left == 0))
    }

    /// The queues of an audience's sockets.
    pub fn senders(&self, audience: &Audience) -> Vec<(ConnId, mpsc::Sender<Outbound>)> {
        let inner = self.lock();
        inner.members.get(audience).map_or_else(Vec::new, |set| {
            set.iter()
                .filter_map(|id| inner.conns.get(id).map(|c| (*id, c.tx.clone())))
                .collect()
        })
    }

    /// Every socket's queue.
    pub fn all(&self) -> Vec<(ConnId, mpsc::Sender<Outbound>)> {
        self.lock()
            .conns
            .iter()
            .map(|(id, c)| (*id, c.tx.clone()))
            .collect()
    }

    /// Tells a socket's task to close it now (its client was too slow to keep up).
    pub fn cut(&self, id: ConnId) {
        if let Some(conn) = self.lock().conns.get(&id) {
            conn.kill.notify_one();
        }
    }

    /// The agents with a socket here.
    pub fn agents(&self) -> Vec<UserId> {
        self.lock().per_agent.keys().copied().collect()
    }

    /// How many sockets are registered.
    pub fn len(&self) -> usize {
        self.lock().conns.len()
    }

    /// Whether no socket is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A shared hub.
pub type SharedHub = Arc<Hub>;
