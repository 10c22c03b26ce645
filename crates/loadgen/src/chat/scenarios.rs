//! The scenarios: closed-loop throughput, latency at a fixed rate, idle sockets, and a queue
//! update fanned out to many agents. Each runs against the gateway or the bare relay.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use kefu_api_types::chat::{ClientFrame, PROTOCOL};
use kefu_domain::ticket::Stage;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::fixtures::{CONSOLE, Fixtures, SITE};
use super::socket::{self, Sink, Stream};
use super::{stamp, stamp_of};

/// What is measured: Kefu's gateway, or the bare relay.
#[derive(Clone, Debug)]
pub enum Target {
    /// The gateway at this address, with its database for fixtures.
    Gateway { url: String, database: String },
    /// The relay at this address.
    Relay { url: String },
}

/// Latencies (µs) and a count of lines that reached agents.
pub struct Delivery {
    /// Visitor → agent latency of each line, in microseconds.
    pub latency: Mutex<Histogram<u64>>,
    /// Lines agents received.
    pub delivered: AtomicU64,
}

impl Delivery {
    fn new() -> anyhow::Result<Arc<Self>> {
        Ok(Arc::new(Self {
            latency: Mutex::new(Histogram::new_with_bounds(1, 60_000_000, 3)?),
            delivered: AtomicU64::new(0),
        }))
    }
}

/// Visitors with their chats assigned, and agents reading what they write.
pub struct Pairs {
    /// Each visitor's sending half and the ticket (gateway) or room (relay) it writes to.
    pub visitors: Vec<(Sink, Option<String>)>,
    /// Each visitor's receiving half.
    pub visitor_streams: Vec<Stream>,
    /// What reached agents.
    pub delivery: Arc<Delivery>,
    /// When the run began (stamps count from here).
    pub start: Instant,
    /// Agents' reading tasks.
    pub agents: Vec<tokio::task::JoinHandle<()>>,
}

/// Reads an agent socket: accepts every offered chat (gateway), and records each visitor line.
async fn agent_reader(mut sink: Sink, mut stream: Stream, delivery: Arc<Delivery>, start: Instant) {
    while let Some(frame) = socket::next(&mut stream).await {
        match frame["type"].as_str() {
            Some("offered") => {
                let ticket = frame["chat"]["ticket"].clone();
                if socket::send(&mut sink, &json!({"type": "accept", "ticket": ticket}))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            Some("message") | Some("send") => {
                let visitor = frame["type"] == "send" || frame["author"]["kind"] == "visitor";
                if let (true, Some(sent)) = (visitor, frame["text"].as_str().and_then(stamp_of)) {
                    let micros = start.elapsed().as_micros().saturating_sub(sent);
                    delivery.delivered.fetch_add(1, Ordering::Relaxed);
                    let _ = delivery
                        .latency
                        .lock()
                        .await
                        .record(u64::try_from(micros).unwrap_or(u64::MAX).max(1));
                }
            }
            _ => {}
        }
    }
}

/// Connects `visitors` visitors and `agents` agents, each visitor's chat served by an agent.
pub async fn pairs(
    target: &Target,
    visitors: usize,
    agents: usize,
    sources: usize,
) -> anyhow::Result<Pairs> {
    let start = Instant::now();
    let delivery = Delivery::new()?;
    let mut visitor_socks = Vec::with_capacity(visitors);
    let mut visitor_streams = Vec::with_capacity(visitors);
    let mut agent_tasks = Vec::with_capacity(agents);
    match target {
        Target::Relay { url } => {
            for a in 0..agents {
                let ws = socket::open(url, CONSOLE, socket::source(a, sources)).await?;
                let (mut sink, stream) = futures_util::StreamExt::split(ws);
                let rooms: Vec<String> = (0..visitors)
                    .filter(|v| v % agents == a)
                    .map(|v| format!("r{v}"))
                    .collect();
                futures_util::SinkExt::send(
                    &mut sink,
                    tokio_tungstenite::tungstenite::Message::text(format!(
                        "agent:{}",
                        rooms.join(",")
                    )),
                )
                .await?;
                agent_tasks.push(tokio::spawn(agent_reader(
                    sink,
                    stream,
                    delivery.clone(),
                    start,
                )));
            }
            for v in 0..visitors {
                let ws = socket::open(url, SITE, socket::source(v, sources)).await?;
                let (mut sink, stream) = futures_util::StreamExt::split(ws);
                futures_util::SinkExt::send(
                    &mut sink,
                    tokio_tungstenite::tungstenite::Message::text(format!("visitor:r{v}")),
                )
                .await?;
                visitor_socks.push((sink, None));
                visitor_streams.push(stream);
            }
        }
        Target::Gateway { url, database } => {
            let capacity = u32::try_from(visitors.div_ceil(agents))
                .unwrap_or(20)
                .clamp(1, 20);
            if visitors > agents * 20 {
                bail!(
                    "{visitors} visitors need at least {} agents (20 chats each)",
                    visitors.div_ceil(20)
                );
            }
            let fixtures = Fixtures::ensure(database, agents, capacity).await?;
            for (a, agent) in fixtures.agents.iter().enumerate() {
                let ticket = fixtures.agent_ticket(*agent).await?;
                let ws = socket::open(url, CONSOLE, socket::source(a, sources)).await?;
                let (mut sink, mut stream) = futures_util::StreamExt::split(ws);
                socket::send(
                    &mut sink,
                    &ClientFrame::Hello {
                        protocol: PROTOCOL,
                        token: ticket,
                        resume: vec![],
                    },
                )
                .await?;
                // Welcomed, the agent is online: a visitor who starts before that finds the
                // team offline.
                loop {
                    let Some(frame) = socket::next(&mut stream).await else {
                        bail!("agent {a}'s socket closed before its welcome")
                    };
                    match frame["type"].as_str() {
                        Some("welcome") => break,
                        Some("error") => bail!("agent {a}: {frame}"),
                        _ => {}
                    }
                }
                agent_tasks.push(tokio::spawn(agent_reader(
                    sink,
                    stream,
                    delivery.clone(),
                    start,
                )));
            }
            for v in 0..visitors {
                let token = fixtures.visitor_token(v).await?;
                let ws = socket::open(url, SITE, socket::source(v, sources)).await?;
                let (mut sink, mut stream) = futures_util::StreamExt::split(ws);
                socket::send(
                    &mut sink,
                    &ClientFrame::Hello {
                        protocol: PROTOCOL,
                        token,
                        resume: vec![],
                    },
                )
                .await?;
                let start_frame = ClientFrame::Start {
                    stage: Stage::AfterSale,
                    name: format!("Bench visitor {v}"),
                    email: None,
                    text: None,
                    page_url: None,
                    language: None,
                };
                socket::send(&mut sink, &start_frame).await?;
                let mut ticket = None;
                let deadline = Instant::now() + Duration::from_secs(30);
                while Instant::now() < deadline {
                    let Some(frame) = socket::next(&mut stream).await else {
                        bail!("visitor {v}'s socket closed")
                    };
                    match frame["type"].as_str() {
                        Some("started") => ticket = frame["ticket"].as_str().map(str::to_owned),
                        Some("assigned") if ticket.is_some() => break,
                        Some("error") => bail!("visitor {v}: {frame}"),
                        _ => {}
                    }
                }
                visitor_socks.push((sink, Some(ticket.context("no chat started")?)));
                visitor_streams.push(stream);
            }
        }
    }
    Ok(Pairs {
        visitors: visitor_socks,
        visitor_streams,
        delivery,
        start,
        agents: agent_tasks,
    })
}

fn line(n: u64, ticket: Option<&String>, start: Instant) -> Value {
    match ticket {
        Some(t) => {
            json!({"type": "send", "ticket": t, "client_id": format!("b-{n}"), "text": stamp(start)})
        }
        None => {
            json!({"type": "send", "ticket": null, "client_id": format!("b-{n}"), "text": stamp(start)})
        }
    }
}

/// Every visitor writes a line, waits for its acknowledgement, and writes the next, for
/// `duration`; returns lines delivered to agents per second.
pub async fn throughput(pairs: Pairs, duration: Duration) -> anyhow::Result<(f64, Arc<Delivery>)> {
    let Pairs {
        visitors,
        visitor_streams,
        delivery,
        start,
        ..
    } = pairs;
    let counter = Arc::new(AtomicU64::new(0));
    let before = delivery.delivered.load(Ordering::Relaxed);
    let began = Instant::now();
    let mut tasks = Vec::new();
    for ((mut sink, ticket), mut stream) in visitors.into_iter().zip(visitor_streams) {
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            while began.elapsed() < duration {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                if socket::send(&mut sink, &line(n, ticket.as_ref(), start))
                    .await
                    .is_err()
                {
                    return;
                }
                loop {
                    let Some(frame) = socket::next(&mut stream).await else {
                        return;
                    };
                    if frame["type"] == "ack" {
                        break;
                    }
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let delivered = delivery.delivered.load(Ordering::Relaxed) - before;
    Ok((delivered as f64 / began.elapsed().as_secs_f64(), delivery))
}

/// A visitor's sending half and chat, shared by the tasks that write for it.
type SharedVisitor = Arc<Mutex<(Sink, Option<String>)>>;

/// Lines written at `rate` per second in all, spread over the visitors, for `duration`; the
/// latencies agents saw.
pub async fn at_rate(pairs: Pairs, rate: u64, duration: Duration) -> anyhow::Result<Arc<Delivery>> {
    let Pairs {
        visitors,
        visitor_streams,
        delivery,
        start,
        ..
    } = pairs;
    for mut stream in visitor_streams {
        tokio::spawn(async move { while socket::next(&mut stream).await.is_some() {} });
    }
    let visitors: Vec<SharedVisitor> = visitors
        .into_iter()
        .map(|v| Arc::new(Mutex::new(v)))
        .collect();
    let interval = Duration::from_secs_f64(1.0 / rate.max(1) as f64);
    let began = Instant::now();
    let mut n = 0u64;
    while began.elapsed() < duration {
        let due = began + interval.mul_f64(n as f64);
        tokio::time::sleep_until(due.into()).await;
        let visitor = visitors[(n as usize) % visitors.len()].clone();
        let value = line(n, None, start);
        tokio::spawn(async move {
            let mut v = visitor.lock().await;
            let ticket = v.1.clone();
            let mut value = value;
            value["ticket"] = ticket.map_or(Value::Null, Value::String);
            let _ = socket::send(&mut v.0, &value).await;
        });
        n += 1;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok(delivery)
}

/// Opens `count` visitor sockets that say `hello` and then nothing; returns them (held open).
pub async fn idle(
    target: &Target,
    count: usize,
    sources: usize,
    offset: usize,
) -> anyhow::Result<Vec<super::socket::Ws>> {
    let mut held = Vec::with_capacity(count);
    let tokens = match target {
        Target::Gateway { database, .. } => {
            let fixtures = Fixtures::ensure(database, 1, 3).await?;
            let mut tokens = Vec::new();
            for s in 0..sources.max(1) {
                tokens.push(fixtures.visitor_token(1_000_000 + offset + s).await?);
            }
            tokens
        }
        Target::Relay { .. } => Vec::new(),
    };
    let url = match target {
        Target::Gateway { url, .. } | Target::Relay { url } => url.clone(),
    };
    for i in 0..count {
        let ws = socket::open(&url, SITE, socket::source(i, sources))
            .await
            .with_context(|| format!("socket {i}"))?;
        let (mut sink, stream) = futures_util::StreamExt::split(ws);
        match tokens.get(i % tokens.len().max(1)) {
            Some(token) => {
                socket::send(
                    &mut sink,
                    &ClientFrame::Hello {
                        protocol: PROTOCOL,
                        token: token.clone(),
                        resume: vec![],
                    },
                )
                .await?
            }
            None => {
                futures_util::SinkExt::send(
                    &mut sink,
                    tokio_tungstenite::tungstenite::Message::text(format!("visitor:idle{i}")),
                )
                .await?
            }
        }
        held.push(sink.reunite(stream)?);
    }
    Ok(held)
}

/// The pause between fan-out rounds.
const ROUND_GAP: Duration = Duration::from_secs(1);

/// Connects `sockets` agent sockets (spread over the fixtures' agents), then starts chats
/// `rounds` times and measures how long each chat's queue update takes to reach every socket.
pub async fn fanout(
    url: &str,
    database: &str,
    sockets: usize,
    agents: usize,
    sources: usize,
    rounds: usize,
) -> anyhow::Result<Histogram<u64>> {
    let fixtures = Fixtures::ensure(database, agents, 20).await?;
    let seen: Arc<std::sync::Mutex<Vec<(String, Instant)>>> = Arc::default();
    let welcomed = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    // In chunks: each chunk's tickets are minted just before its sockets say hello, and the
    // next chunk waits until they are all welcomed (tickets live 60 seconds).
    for chunk in (0..sockets).collect::<Vec<_>>().chunks(250) {
        for &s in chunk {
            let agent = fixtures.agents[s % fixtures.agents.len()];
            let ticket = fixtures.agent_ticket(agent).await?;
            let ws = socket::open(url, CONSOLE, socket::source(s, sources)).await?;
            let (mut sink, mut stream) = futures_util::StreamExt::split(ws);
            socket::send(
                &mut sink,
                &ClientFrame::Hello {
                    protocol: PROTOCOL,
                    token: ticket,
                    resume: vec![],
                },
            )
            .await?;
            let seen = seen.clone();
            let welcomed = welcomed.clone();
            readers.push(tokio::spawn(async move {
                let _keep = sink;
                let mut last: Option<String> = None;
                // The arrival time is taken first; only the frames that matter are parsed.
                while let Some(text) = socket::next_text(&mut stream).await {
                    let at = Instant::now();
                    let text = text.as_str();
                    if text.contains("\"queue_snapshot\"") {
                        welcomed.fetch_add(1, Ordering::Relaxed);
                    }
                    if !text.contains("\"queue_update\"") {
                        continue;
                    }
                    let Ok(frame) = serde_json::from_str::<serde_json::Value>(text) else {
                        continue;
                    };
                    if let Some(ticket) = frame["chat"]["ticket"].as_str()
                        && last.as_deref() != Some(ticket)
                    {
                        last = Some(ticket.to_owned());
                        seen.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((ticket.to_owned(), at));
                    }
                }
            }));
        }
        let target = readers.len() as u64;
        let deadline = Instant::now() + Duration::from_secs(60);
        while welcomed.load(Ordering::Relaxed) < target && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    eprintln!(
        "{} of {sockets} agent sockets welcomed",
        welcomed.load(Ordering::Relaxed)
    );
    let mut histogram = Histogram::<u64>::new(3)?;
    for round in 0..rounds {
        seen.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let token = fixtures.visitor_token(2_000_000 + round).await?;
        let ws = socket::open(url, SITE, None).await?;
        let (mut sink, mut stream) = futures_util::StreamExt::split(ws);
        socket::send(
            &mut sink,
            &ClientFrame::Hello {
                protocol: PROTOCOL,
                token,
                resume: vec![],
            },
        )
        .await?;
        let sent = Instant::now();
        socket::send(
            &mut sink,
            &ClientFrame::Start {
                stage: Stage::AfterSale,
                name: format!("Fan-out {round}"),
                email: None,
                text: None,
                page_url: None,
                language: None,
            },
        )
        .await?;
        let mut ticket = None;
        while ticket.is_none() {
            let Some(frame) = socket::next(&mut stream).await else {
                bail!("the visitor's socket closed")
            };
            if frame["type"] == "started" {
                ticket = frame["ticket"].as_str().map(str::to_owned);
            } else if frame["type"] == "error" {
                bail!("starting a chat: {frame}");
            }
        }
        let ticket = ticket.unwrap_or_default();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let firsts = {
                let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                let mut per: Vec<Instant> = seen
                    .iter()
                    .filter(|(t, _)| *t == ticket)
                    .map(|(_, at)| *at)
                    .collect();
                per.sort();
                per
            };
            if firsts.len() >= sockets || Instant::now() > deadline {
                for at in firsts.iter().take(sockets) {
                    histogram.record(
                        u64::try_from(at.duration_since(sent).as_micros())
                            .unwrap_or(u64::MAX)
                            .max(1),
                    )?;
                }
                let ms = |at: Option<&Instant>| {
                    at.map_or(f64::NAN, |at| {
                        at.duration_since(sent).as_secs_f64() * 1000.0
                    })
                };
                eprintln!(
                    "round {round}: {} of {sockets} agents got the queue update, the first after {:.1} ms, the last after {:.1} ms",
                    firsts.len(),
                    ms(firsts.first()),
                    ms(firsts.get(sockets.min(firsts.len()).saturating_sub(1))),
                );
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        socket::send(&mut sink, &ClientFrame::End { ticket: None }).await?;
        // Ending the chat sends every agent socket its own frames (the queue update that
        // removes it, the ticket's change); the next round starts once they are out, so each
        // round times one queue update, not one queued behind the last round's.
        tokio::time::sleep(ROUND_GAP).await;
    }
    for reader in readers {
        reader.abort();
    }
    Ok(histogram)
}
