//! One socket, from `hello` to close: who it is, the frames it sends, the frames it gets,
//! and the sequence it has seen of each conversation, so it never gets a line twice or misses
//! one.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kefu_api_types::chat::{ClientFrame, PROTOCOL, Resume, ServerFrame};
use kefu_app::AppError;
use kefu_app::chat::identity::{self, Participant};
use kefu_app::chat::lines::LineIn;
use kefu_app::chat::start::ChatForm;
use kefu_app::chat::{
    Audience, ChatEvent, Outcome, availability, lines, marks, moves, page, presence, queue, rating,
    start,
};
use kefu_domain::chat::Sequence;
use kefu_domain::ids::TicketId;
use kefu_store::chat::conversations::{self, VisitorContext};
use kefu_store::chat::widgets;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Notify, mpsc};
use tokio::time::{Instant, timeout};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::Gateway;
use crate::hub::{ConnId, Outbound};
use crate::limits::Bucket;

/// The most queued frames written to a socket in one write.
const OUTBOUND_BURST: usize = 64;

/// `first` and what waits behind it in `rx`, at most `limit` in all; what is left stays queued.
fn burst<T>(first: T, rx: &mut mpsc::Receiver<T>, limit: usize) -> impl Iterator<Item = T> {
    std::iter::once(first)
        .chain(std::iter::from_fn(|| rx.try_recv().ok()))
        .take(limit)
}

/// Why a socket is closed.
fn close(code: CloseCode, reason: &'static str) -> CloseFrame {
    CloseFrame {
        code,
        reason: reason.into(),
    }
}

/// An error frame for `error`; unexpected failures are logged and told apart from refusals.
fn error_frame(error: &AppError, client_id: Option<String>) -> ServerFrame {
    let message = if matches!(error, AppError::Internal(_)) {
        tracing::error!(?error, "a chat frame failed");
        "something went wrong on our side; try again".to_owned()
    } else {
        error.to_string()
    };
    ServerFrame::Error {
        code: error.code().to_owned(),
        message,
        client_id,
    }
}

fn refusal(code: &str, message: impl Into<String>) -> ServerFrame {
    ServerFrame::Error {
        code: code.to_owned(),
        message: message.into(),
        client_id: None,
    }
}

/// A socket after its handshake.
pub struct Socket<S> {
    ws: WebSocketStream<S>,
    origin: Option<String>,
    ip: IpAddr,
    user_agent: Option<String>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Socket<S> {
    /// A socket opened from `origin` by a client at `ip`, with the browser it named.
    pub fn new(
        ws: WebSocketStream<S>,
        origin: Option<String>,
        ip: IpAddr,
        user_agent: Option<String>,
    ) -> Self {
        Self {
            ws,
            origin,
            ip,
            user_agent,
        }
    }
}

/// What a socket keeps while it is open.
struct Session<S> {
    gateway: Arc<Gateway>,
    ws: WebSocketStream<S>,
    who: Participant,
    conn: ConnId,
    /// The last sequence sent of each conversation this socket follows.
    seen: HashMap<TicketId, u64>,
    bucket: Bucket,
    strikes: u32,
    /// The browser the client named at the handshake (kept with a visitor's chats).
    user_agent: Option<String>,
}

/// Serves a greeted socket until it closes.
///
/// Only the serve loop's state stays in the socket's task while it is idle: the greeting
/// ([`greet`]), frame handling, catch-ups and the goodbye are boxed and live only while they
/// run. (An async fn keeps a slot for every value that crosses an await, including ones it
/// has moved on, so an unboxed greeting would triple an idle socket's task.)
pub async fn live<S: AsyncRead + AsyncWrite + Unpin>(greeted: Box<Greeted<S>>) {
    let Greeted {
        mut session,
        resume,
        rx,
        kill,
    } = *greeted;
    let result = match Box::pin(session.open(resume)).await {
        Ok(()) => session.serve(rx, kill).await,
        Err(error) => Err(error),
    };
    if let Err(error) = result {
        tracing::debug!(%error, "a chat socket ended");
    }
    Box::pin(session.leave()).await;
}

/// A socket that said a valid `hello`: its session, what it asked to resume, and its queue.
pub struct Greeted<S> {
    session: Box<Session<S>>,
    resume: Vec<Resume>,
    rx: mpsc::Receiver<Outbound>,
    kill: Arc<Notify>,
}

/// Reads `hello`, checks the client and its origin, and registers the socket; `None` if the
/// socket was refused (and closed).
pub async fn greet<S: AsyncRead + AsyncWrite + Unpin>(
    gateway: Arc<Gateway>,
    socket: Socket<S>,
) -> Option<Box<Greeted<S>>> {
    let Socket {
        mut ws,
        origin,
        ip,
        user_agent,
    } = socket;
    let hello = match timeout(gateway.config.hello_deadline(), ws.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<ClientFrame>(&text).ok(),
        _ => None,
    };
    let checked = match hello {
        Some(ClientFrame::Hello {
            protocol,
            token,
            resume,
        }) => {
            if protocol == PROTOCOL {
                match identity::authenticate(&gateway.app, &token).await {
                    Ok(who) if origin_allowed(&gateway, &who, origin.as_deref()).await => {
                        Ok((who, resume))
                    }
                    Ok(_) => Err((
                        refusal("origin_refused", "this website may not open this chat"),
                        "origin refused",
                    )),
                    Err(error) => Err((error_frame(&error, None), "not signed in")),
                }
            } else {
                Err((
                    refusal(
                        "unsupported_protocol",
                        format!("this gateway speaks protocol {PROTOCOL}"),
                    ),
                    "unsupported protocol",
                ))
            }
        }
        _ => Err((
            refusal("hello_required", "send `hello` first"),
            "hello required",
        )),
    };
    let (who, resume) = match checked {
        Ok(pair) => pair,
        Err((frame, reason)) => {
            let _ = send_frame(&mut ws, &frame).await;
            let _ = ws.close(Some(close(CloseCode::Policy, reason))).await;
            gateway.hub.release(ip);
            return None;
        }
    };
    let (tx, rx) = mpsc::channel(gateway.config.send_queue.max(8));
    let kill = Arc::new(Notify::new());
    let agent = match &who {
        Participant::Agent(a) => Some(a.actor.user),
        Participant::Visitor(_) => None,
    };
    let conn = gateway.hub.register(tx, kill.clone(), agent, ip);
    Some(Box::new(Greeted {
        session: Box::new(Session {
            bucket: Bucket::new(gateway.config.frames_per_10s, Duration::from_secs(10)),
            gateway,
            ws,
            who,
            conn,
            seen: HashMap::new(),
            strikes: 0,
            user_agent,
        }),
        resume,
        rx,
        kill,
    }))
}

/// Whether `origin` may open a socket for `who`: a widget's websites for its visitors, the
/// console's origins for agents.
async fn origin_allowed(gateway: &Gateway, who: &Participant, origin: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return false;
    };
    match who {
        Participant::Agent(_) => gateway.console_allows(origin),
        Participant::Visitor(v) => {
            let Some(widget) = v.widget else {
                return false;
            };
            gateway
                .app
                .store
                .read(move |conn| widgets::find(conn, widget))
                .await
                .is_ok_and(|w| w.allows(origin))
        }
    }
}

async fn send_frame<S: AsyncRead + AsyncWrite + Unpin>(
    ws: &mut WebSocketStream<S>,
    frame: &ServerFrame,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let json = serde_json::to_string(frame).unwrap_or_default();
    ws.send(Message::text(json)).await
}

type WsResult = Result<(), tokio_tungstenite::tungstenite::Error>;

impl<S: AsyncRead + AsyncWrite + Unpin> Session<S> {
    async fn send(&mut self, frame: &ServerFrame) -> WsResult {
        send_frame(&mut self.ws, frame).await
    }

    /// Unregisters the socket; an agent whose last socket this was is recorded as gone.
    async fn leave(&self) {
        let left = self.gateway.hub.remove(self.conn);
        if let (Some((_, true)), Participant::Agent(agent)) = (left, &self.who) {
            match presence::disconnect(&self.gateway.app, agent).await {
                Ok(outcome) => {
                    self.announce(outcome);
                }
                Err(error) => tracing::warn!(%error, "recording an agent's disconnection failed"),
            }
        }
    }

    fn announce<T>(&self, outcome: Outcome<T>) -> T {
        self.gateway.app.announce(outcome)
    }

    /// After `hello`: welcome, where each conversation stands, what was missed, and for agents
    /// their queue.
    async fn open(&mut self, resume: Vec<Resume>) -> WsResult {
        self.send(&ServerFrame::Welcome {
            protocol: PROTOCOL,
            ping_seconds: self.gateway.config.ping_seconds,
        })
        .await?;
        let app = self.gateway.app.clone();
        let mut follow: Vec<(TicketId, u64)> = resume.iter().map(|r| (r.ticket, r.after)).collect();
        match self.who.clone() {
            Participant::Visitor(visitor) => {
                if let Some(widget) = visitor.widget {
                    self.gateway.hub.join(self.conn, Audience::Widget(widget));
                    let open = availability::open_stages(&app, widget)
                        .await
                        .unwrap_or_default();
                    self.send(&ServerFrame::Availability { open_stages: open })
                        .await?;
                }
                if follow.is_empty()
                    && let Ok(Some(latest)) = start::latest(&app, visitor.id).await
                {
                    follow.push((latest, 0));
                }
                let own = app
                    .store
                    .read(move |conn| conversations::of_visitor(conn, visitor.id, 100))
                    .await
                    .unwrap_or_default();
                follow.retain(|(t, _)| own.iter().any(|c| c.ticket == *t));
                for (ticket, _) in &follow {
                    self.gateway.hub.join(self.conn, Audience::Visitor(*ticket));
                }
            }
            Participant::Agent(agent) => {
                let hub = &self.gateway.hub;
                hub.join(self.conn, Audience::Agent(agent.actor.user));
                hub.join(self.conn, Audience::Agents);
                for team in &agent.teams {
                    hub.join(self.conn, Audience::Team(*team));
                }
                if agent.teams.is_empty() && agent.actor.role == kefu_domain::role::Role::Admin {
                    let all = app
                        .store
                        .read(kefu_store::teams::list)
                        .await
                        .unwrap_or_default();
                    for team in all {
                        hub.join(self.conn, Audience::Team(team.id));
                    }
                }
                match presence::connect(&app, &agent).await {
                    Ok(outcome) => {
                        // The agent's own presence first, as they chose it last: a reload or
                        // another tab shows it, not a default.
                        let own = ServerFrame::OwnPresence {
                            presence: outcome.value.chosen,
                        };
                        self.announce(outcome);
                        self.send(&own).await?;
                    }
                    Err(error) => tracing::warn!(%error, "recording an agent's connection failed"),
                }
                let chats = queue::snapshot(&app, &agent).await.unwrap_or_default();
                self.send(&ServerFrame::QueueSnapshot { chats }).await?;
                let user = agent.actor.user;
                let mine = app
                    .store
                    .read(move |conn| conversations::of_agent(conn, user))
                    .await
                    .unwrap_or_default();
                for q in mine {
                    // An offered chat's lines come once it is accepted; a served one's now.
                    let frame = match q.chat.conversation.state {
                        kefu_domain::chat::ConversationState::Offered => ServerFrame::Offered {
                            chat: queue::queued_chat(&q, 1),
                        },
                        _ => {
                            if !follow.iter().any(|(t, _)| *t == q.chat.ticket) {
                                follow.push((q.chat.ticket, 0));
                            }
                            ServerFrame::Serving {
                                chat: queue::queued_chat(&q, 0),
                            }
                        }
                    };
                    self.send(&frame).await?;
                }
            }
        }
        // The lines first, then where the chat stands now (its queue place, who serves it, or
        // its end), so a client shows that after the lines it follows.
        for (ticket, after) in follow {
            self.seen.insert(ticket, after);
            self.catch_up(ticket).await?;
            self.stand(ticket).await?;
        }
        Ok(())
    }

    /// Sends where `ticket`'s chat stands now, after lines sent out of their live order: a
    /// line caught up later may say something the chat has moved past since (an agent left it
    /// and accepted it again), and a client takes its state from the frame that follows.
    async fn stand(&mut self, ticket: TicketId) -> WsResult {
        let agent = match &self.who {
            Participant::Agent(a) => Some(a.actor.user),
            Participant::Visitor(_) => None,
        };
        let standing = self
            .gateway
            .app
            .store
            .read(move |conn| queue::standing(conn, ticket, agent))
            .await;
        match standing {
            Ok(Some(frame)) => self.send(&frame).await,
            _ => Ok(()),
        }
    }

    /// Sends the lines of `ticket` after the last one this socket sent.
    async fn catch_up(&mut self, ticket: TicketId) -> WsResult {
        loop {
            let after = self.seen.get(&ticket).copied().unwrap_or(0);
            let frames = match lines::after(
                &self.gateway.app,
                &self.who,
                ticket,
                Sequence::new(after),
            )
            .await
            {
                Ok(frames) => frames,
                Err(error) => {
                    let frame = error_frame(&error, None);
                    return self.send(&frame).await;
                }
            };
            let lines_sent = frames
                .iter()
                .filter(|f| matches!(f, ServerFrame::Message { .. }))
                .count();
            let full = lines_sent as i64 >= lines::RESUME_PAGE;
            for frame in frames {
                if let ServerFrame::Message { seq, .. } = frame {
                    self.seen.insert(ticket, seq);
                }
                self.send(&frame).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// Reads frames and sends what arrives for this socket, until either side closes.
    async fn serve(&mut self, mut rx: mpsc::Receiver<Outbound>, kill: Arc<Notify>) -> WsResult {
        let silence = self.gateway.config.silence_limit();
        let mut last_heard = Instant::now();
        let mut check = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                incoming = self.ws.next() => {
                    last_heard = Instant::now();
                    match incoming {
                        Some(Ok(Message::Text(text))) => {
                            if !Box::pin(self.handle_text(text.as_str())).await? {
                                return Ok(());
                            }
                        }
                        Some(Ok(Message::Binary(_))) => {
                            Box::pin(self.strike(refusal("invalid_frame", "frames are JSON text"))).await?;
                        }
                        Some(Ok(Message::Close(_))) | None => return Ok(()),
                        Some(Ok(_)) => {}
                        Some(Err(tokio_tungstenite::tungstenite::Error::Capacity(_))) => {
                            return self.close(Some(close(CloseCode::Size, "frame too large"))).await;
                        }
                        Some(Err(error)) => return Err(error),
                    }
                    if self.strikes >= self.gateway.config.max_strikes {
                        return self.close(Some(close(CloseCode::Policy, "too many bad frames"))).await;
                    }
                }
                outbound = rx.recv() => {
                    let Some(first) = outbound else {
                        return self.close(Some(close(CloseCode::Away, "going away"))).await;
                    };
                    // What queued meanwhile goes out with it, in one write to the socket.
                    for item in burst(first, &mut rx, OUTBOUND_BURST) {
                        match item {
                            Outbound::Event(event, json) => self.deliver(&event, json).await?,
                            Outbound::CatchUp(ticket) => {
                                if self.seen.contains_key(&ticket) {
                                    Box::pin(self.catch_up(ticket)).await?;
                                }
                            }
                            Outbound::Close(frame) => return self.close(Some(frame)).await,
                        }
                    }
                    self.ws.flush().await?;
                }
                () = kill.notified() => {
                    return self.close(Some(close(CloseCode::Again, "too slow; reconnect and resume"))).await;
                }
                _ = check.tick() => {
                    if last_heard.elapsed() > silence {
                        return self.close(Some(close(CloseCode::Policy, "no ping"))).await;
                    }
                }
            }
        }
    }

    /// Sends an announced frame, keeping each conversation's lines in order and whole.
    async fn deliver(
        &mut self,
        event: &ChatEvent,
        json: tokio_tungstenite::tungstenite::Utf8Bytes,
    ) -> WsResult {
        if let ServerFrame::Message { ticket, seq, .. } = &event.frame {
            let last = self.seen.get(ticket).copied();
            match last {
                Some(last) if *seq <= last => return Ok(()),
                Some(last) if *seq > last + 1 => {
                    let ticket = *ticket;
                    Box::pin(self.catch_up(ticket)).await?;
                    // A console takes whose the chat is from the frame after the lines (a
                    // visitor's widget has it from the live frames, which come in order).
                    if matches!(self.who, Participant::Agent(_)) {
                        Box::pin(self.stand(ticket)).await?;
                    }
                    return Ok(());
                }
                _ => {
                    self.seen.insert(*ticket, *seq);
                }
            }
        }
        // Queued, not flushed: the caller flushes once what is waiting has been queued.
        self.ws.feed(Message::Text(json)).await
    }

    /// Closes the socket (boxed: rare, and not worth a slot in every idle socket's task).
    async fn close(&mut self, frame: Option<CloseFrame>) -> WsResult {
        Box::pin(self.ws.close(frame)).await
    }

    async fn strike(&mut self, frame: ServerFrame) -> WsResult {
        self.strikes += 1;
        self.send(&frame).await
    }

    /// Handles one text frame; `false` ends the socket.
    async fn handle_text(
        &mut self,
        text: &str,
    ) -> Result<bool, tokio_tungstenite::tungstenite::Error> {
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(error) => {
                self.strike(refusal(
                    "invalid_frame",
                    format!("this frame cannot be read: {error}"),
                ))
                .await?;
                return Ok(true);
            }
        };
        let limited = matches!(
            frame,
            ClientFrame::Send { .. }
                | ClientFrame::Typing { .. }
                | ClientFrame::Read { .. }
                | ClientFrame::Page { .. }
                | ClientFrame::Start { .. }
                | ClientFrame::LeaveMessage { .. }
        );
        if limited && !self.bucket.take() {
            let client_id = match &frame {
                ClientFrame::Send { client_id, .. } => Some(client_id.clone()),
                _ => None,
            };
            self.strike(ServerFrame::Error {
                code: "rate_limited".into(),
                message: "slow down: too many frames".into(),
                client_id,
            })
            .await?;
            return Ok(true);
        }
        let result = self.handle(frame).await;
        match result {
            Ok(Some(reply)) => self.send(&reply).await?,
            Ok(None) => {}
            Err((error, client_id)) => {
                if !error.is_outage() {
                    self.strikes += 1;
                }
                let frame = error_frame(&error, client_id);
                self.send(&frame).await?;
            }
        }
        Ok(true)
    }

    /// What a frame does; the reply for the sender, if any.
    async fn handle(
        &mut self,
        frame: ClientFrame,
    ) -> Result<Option<ServerFrame>, (AppError, Option<String>)> {
        let app = self.gateway.app.clone();
        let plain = |e: AppError| (e, None);
        let agent = || match &self.who {
            Participant::Agent(a) => Ok(a.clone()),
            Participant::Visitor(_) => Err((AppError::forbidden("only agents do this"), None)),
        };
        let visitor = || match &self.who {
            Participant::Visitor(v) => Ok(v.clone()),
            Participant::Agent(_) => Err((AppError::forbidden("only visitors do this"), None)),
        };
        match frame {
            ClientFrame::Hello { .. } => Err(plain(AppError::invalid(
                "already_welcomed",
                "`hello` is sent once, first",
            ))),
            ClientFrame::Ping { nonce } => Ok(Some(ServerFrame::Pong { nonce })),
            ClientFrame::Send {
                ticket,
                client_id,
                text,
            } => {
                let line = LineIn::parse(self.who.clone(), ticket, client_id.clone(), &text)
                    .map_err(|e| (e, Some(client_id.clone())))?;
                let posted = self
                    .gateway
                    .committer
                    .commit(line)
                    .await
                    .map_err(|e| (e, Some(client_id)))?;
                Ok(Some(ServerFrame::Ack {
                    client_id: posted.client_id,
                    ticket: posted.ticket,
                    seq: posted.seq.get(),
                    message: posted.message,
                }))
            }
            ClientFrame::Start {
                stage,
                name,
                email,
                text,
                page_url,
                language,
            } => {
                let v = visitor()?;
                let form = ChatForm::parse(
                    stage,
                    &name,
                    email.as_deref(),
                    text.as_deref(),
                    VisitorContext {
                        page_url,
                        language,
                        user_agent: self.user_agent.clone(),
                    },
                    false,
                )
                .map_err(plain)?;
                let outcome = start::start(&app, &v, form).await.map_err(plain)?;
                let started = outcome.value;
                self.gateway
                    .hub
                    .join(self.conn, Audience::Visitor(started.ticket));
                self.seen.entry(started.ticket).or_insert(0);
                self.send(&ServerFrame::Started {
                    ticket: started.ticket,
                    number: started.number,
                })
                .await
                .map_err(|e| plain(AppError::internal(e)))?;
                self.announce(outcome);
                Ok(None)
            }
            ClientFrame::LeaveMessage {
                stage,
                name,
                email,
                text,
                page_url,
                language,
            } => {
                let v = visitor()?;
                let form = ChatForm::parse(
                    stage,
                    &name,
                    Some(&email),
                    Some(&text),
                    VisitorContext {
                        page_url,
                        language,
                        user_agent: self.user_agent.clone(),
                    },
                    true,
                )
                .map_err(plain)?;
                let left =
                    self.announce(start::leave_message(&app, &v, form).await.map_err(plain)?);
                Ok(Some(ServerFrame::MessageLeft {
                    ticket: left.ticket,
                    number: left.number,
                }))
            }
            ClientFrame::Typing { ticket, typing } => {
                self.announce(
                    marks::typing(&self.gateway.app, &self.who, ticket, typing)
                        .await
                        .map_err(plain)?,
                );
                Ok(None)
            }
            ClientFrame::Page { url } => {
                let v = visitor()?;
                self.announce(
                    page::visited(&self.gateway.app, &v, &url)
                        .await
                        .map_err(plain)?,
                );
                Ok(None)
            }
            ClientFrame::Read { ticket, up_to } => {
                self.announce(
                    marks::read(&self.gateway.app, &self.who, ticket, up_to)
                        .await
                        .map_err(plain)?,
                );
                Ok(None)
            }
            ClientFrame::Accept { ticket } => {
                let agent = agent()?;
                self.serve_chat(agent, ticket, false).await.map_err(plain)?;
                Ok(None)
            }
            ClientFrame::Take { ticket } => {
                let agent = agent()?;
                self.serve_chat(agent, ticket, true).await.map_err(plain)?;
                Ok(None)
            }
            ClientFrame::Decline { ticket } => {
                let outcome = moves::decline(&app, agent()?, ticket)
                    .await
                    .map_err(plain)?;
                self.announce(outcome);
                Ok(None)
            }
            ClientFrame::Transfer { ticket, to, note } => {
                let outcome = moves::transfer(&app, agent()?, ticket, to, note)
                    .await
                    .map_err(plain)?;
                self.announce(outcome);
                Ok(None)
            }
            ClientFrame::End { ticket } => {
                let outcome = moves::end(&app, &self.who, ticket).await.map_err(plain)?;
                self.announce(outcome);
                Ok(None)
            }
            ClientFrame::Rate {
                score,
                comment,
                expectation,
            } => {
                let v = visitor()?;
                let outcome = rating::rate(&app, &v, score, (comment, expectation))
                    .await
                    .map_err(plain)?;
                self.announce(outcome);
                Ok(None)
            }
            ClientFrame::Presence { presence: chosen } => {
                let a = agent()?;
                let outcome = presence::choose(&app, &a, chosen).await.map_err(plain)?;
                self.announce(outcome);
                Ok(None)
            }
        }
    }

    /// `agent` accepts the chat offered to them, or takes it from the queue; then gets what
    /// was written before.
    async fn serve_chat(
        &mut self,
        agent: kefu_app::chat::Agent,
        ticket: TicketId,
        taking: bool,
    ) -> Result<(), AppError> {
        let app = &self.gateway.app;
        let outcome = if taking {
            moves::take(app, agent, ticket).await?
        } else {
            moves::accept(app, agent, ticket).await?
        };
        self.announce(outcome);
        // The whole chat from its first line: lines that came live while it was only offered
        // may have moved this socket's mark past lines it never sent (clients drop repeats).
        self.seen.insert(ticket, 0);
        self.catch_up(ticket).await.map_err(AppError::internal)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn a_burst_takes_what_waits_up_to_its_limit_and_leaves_the_rest_queued() {
        let (tx, mut rx) = mpsc::channel(200);
        for n in 1..=100 {
            tx.try_send(n).unwrap();
        }
        let first = rx.try_recv().unwrap();
        let taken: Vec<u32> = burst(first, &mut rx, 64).collect();
        assert_eq!(taken, (1..=64).collect::<Vec<_>>());
        assert_eq!(
            rx.try_recv().unwrap(),
            65,
            "nothing taken past the limit is lost"
        );
        let first = rx.try_recv().unwrap();
        let rest: Vec<u32> = burst(first, &mut rx, 64).collect();
        assert_eq!(rest, (66..=100).collect::<Vec<_>>());
    }
}
