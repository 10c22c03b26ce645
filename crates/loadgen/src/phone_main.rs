//! `kefu-phone-bench`: how long a telephony event takes to pop up in an agent's console. It
//! signs in as an admin, gives them an extension and turns the telephony webhook on, opens
//! their console socket, then posts signed `call.ringing` events one at a time and times each
//! from the request to the `screen_pop` frame on the socket — for callers Kefu has never seen
//! (a customer and a phone ticket are made) and for callers with an open ticket. Baselines of
//! the same run: `/healthz` over HTTP and a ping over the socket.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use kefu_api_types::chat::{ClientFrame, PROTOCOL};
use kefu_app::webhooks::sign;
use kefu_loadgen::chat::socket::{self, Sink, Stream};
use kefu_loadgen::{Client, Report, report_of};
use serde_json::{Value, json};

/// Measure the telephony screen pop on a running server.
#[derive(Debug, Parser)]
#[command(name = "kefu-phone-bench", version, about, long_about = None)]
struct Args {
    /// The server to measure.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// An admin to sign in as (password from standard input); their extension becomes 9001.
    #[arg(long)]
    email: String,
    /// Calls per scenario.
    #[arg(long, default_value_t = 300)]
    calls: usize,
    /// Unmeasured calls first.
    #[arg(long, default_value_t = 20)]
    warmup: usize,
}

/// The console's origin, which the gateway takes from agents.
const CONSOLE: &str = "http://localhost:8080";

/// A caller's number for call `n` of `run` (distinct across runs of the same server).
fn number(run: u32, n: usize) -> String {
    format!("+86139{:04}{:04}", run % 10_000, n % 10_000)
}

struct Bench {
    http: reqwest::Client,
    url: String,
    secret: String,
    sink: Sink,
    stream: Stream,
    run: u32,
}

impl Bench {
    /// Posts a signed ringing call from `caller` at extension 9001 and waits for its pop.
    async fn ring(&mut self, call: &str, caller: &str) -> anyhow::Result<Duration> {
        let body = json!({
            "id": format!("{call}-ringing"), "type": "call.ringing", "call_id": call,
            "direction": "inbound", "from": caller, "to": "+862160009000", "extension": "9001",
        })
        .to_string();
        let started = Instant::now();
        let t = chrono::Utc::now().timestamp();
        let post = self
            .http
            .post(format!("{}/api/v1/telephony/events", self.url))
            .header("content-type", "application/json")
            .header(
                "kefu-signature",
                sign::signature(&self.secret, t, body.as_bytes()),
            )
            .body(body)
            .send();
        let wait = async {
            loop {
                let Some(frame) = socket::next(&mut self.stream).await else {
                    bail!("the agent's socket closed");
                };
                if frame["type"] == "screen_pop" && frame["call"]["number"] == caller {
                    return Ok(started.elapsed());
                }
            }
        };
        let (answer, popped) = tokio::join!(post, wait);
        let answer = answer?;
        if !answer.status().is_success() {
            bail!(
                "{}: {}",
                answer.status(),
                answer.text().await.unwrap_or_default()
            );
        }
        popped
    }

    /// Calls `calls` numbers (after `warmup` unmeasured ones); `again` rings numbers that have
    /// rung before.
    async fn scenario(&mut self, name: &str, args: &Args, again: bool) -> anyhow::Result<Report> {
        let mut latencies = Vec::with_capacity(args.calls);
        for n in 0..args.warmup + args.calls {
            let caller = number(self.run, n);
            let call = format!("bench-{}-{}-{n}", self.run, u8::from(again));
            let took = tokio::time::timeout(Duration::from_secs(10), self.ring(&call, &caller))
                .await
                .context("no screen pop within 10 seconds")??;
            if n >= args.warmup {
                latencies.push(took);
            }
        }
        report_of(name, &latencies)
    }

    /// Socket round trips (ping → pong), the floor of any frame's delivery.
    async fn pings(&mut self, count: usize) -> anyhow::Result<Report> {
        let mut latencies = Vec::with_capacity(count);
        for n in 0..count {
            let started = Instant::now();
            let nonce = n as u64;
            socket::send(&mut self.sink, &ClientFrame::Ping { nonce: Some(nonce) }).await?;
            loop {
                let Some(frame) = socket::next(&mut self.stream).await else {
                    bail!("the agent's socket closed");
                };
                if frame["type"] == "pong" && frame["nonce"] == nonce {
                    break;
                }
            }
            latencies.push(started.elapsed());
        }
        report_of("baseline: socket ping → pong", &latencies)
    }

    /// `/healthz` round trips, the floor of any request.
    async fn health(&self, count: usize) -> anyhow::Result<Report> {
        let mut latencies = Vec::with_capacity(count);
        for _ in 0..count {
            let started = Instant::now();
            self.http
                .get(format!("{}/healthz", self.url))
                .send()
                .await?
                .error_for_status()?;
            latencies.push(started.elapsed());
        }
        report_of("baseline: GET /healthz", &latencies)
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let password = kefu_loadgen::password_from_stdin()?;
    let client = Client::login(&args.url, &args.email, &password).await?;
    let me: Value = client.get_json("/api/v1/me").await?;
    let user = me["user"]["id"].as_str().context("who am I")?.to_owned();
    let setup = client
        .put_json(
            "/api/v1/telephony",
            &json!({"enabled": true, "stage": "after_sale", "new_secret": true,
                "extensions": [{"user_id": user, "extension": "9001"}]}),
        )
        .await?;
    let secret = setup["secret"]
        .as_str()
        .context("the signing secret")?
        .to_owned();
    let ticket = client
        .post("/api/v1/chat/socket-tickets", &json!({}))
        .send()
        .await?
        .error_for_status()?
        .json::<Value>()
        .await?;
    let token = ticket["token"]
        .as_str()
        .context("a socket ticket")?
        .to_owned();
    let socket_url = ticket["socket_url"]
        .as_str()
        .context("the socket's address")?;
    let ws = socket::open(socket_url, CONSOLE, None).await?;
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
    loop {
        let Some(frame) = socket::next(&mut stream).await else {
            bail!("the agent's socket closed before its welcome");
        };
        if frame["type"] == "queue_snapshot" {
            break;
        }
    }
    let mut bench = Bench {
        http: reqwest::Client::new(),
        url: args.url.trim_end_matches('/').to_owned(),
        secret,
        sink,
        stream,
        run: (chrono::Utc::now().timestamp() % 10_000) as u32,
    };
    let mut reports = vec![
        bench.health(args.calls).await?,
        bench.pings(args.calls).await?,
    ];
    reports.push(
        bench
            .scenario("ringing: a new caller (ticket made)", &args, false)
            .await?,
    );
    reports.push(
        bench
            .scenario("ringing: a caller with an open ticket", &args, true)
            .await?,
    );
    println!("{}", Report::header());
    for report in &reports {
        println!("{}", report.line());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kefu-phone-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
