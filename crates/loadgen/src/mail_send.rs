//! `kefu-mail-bench send`: how fast the outbox worker hands mail to a local SMTP server
//! (Postfix's smtp-sink), and how much agents' replies slow down meanwhile.
//!
//! In one run, on one database (SQLite, or PostgreSQL with `--postgres`) behind the real HTTP
//! API:
//! 1. the bare client: lettre alone sending the same mails to the same server, without Kefu;
//! 2. then, in turn, several times: the baseline, agents' replies at a fixed rate with the
//!    notification role running and sending only their own mails; and the load, the same
//!    replies while the worker also drains a backlog of mails.
//!    Taking turns, the baseline and the load see the machine in the same states (its speed
//!    drifts over minutes), and each is measured over all its turns.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use kefu_app::mail::ingest::{Delivery, Source, ingest};
use kefu_domain::role::Role;
use kefu_mail::outbound::{Outbound, Party};
use kefu_notify::{NotifyConfig, SmtpConfig, SmtpSecurity, Transport};
use kefu_store::mail::outbox;
use kefu_testkit::mail_servers::PostfixSink;
use kefu_testkit::{TestApp, TestClient, TestDb};
use lettre::AsyncTransport;

/// The benchmark's knobs.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// Mails waiting in the outbox when sending first starts.
    #[arg(long, default_value_t = 100_000)]
    pub backlog: usize,
    /// Agents' replies per second, in every turn.
    #[arg(long, default_value_t = 20)]
    pub reply_rate: u64,
    /// Seconds each turn of replies lasts.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Turns of each: quiet, then sending, this many times over.
    #[arg(long, default_value_t = 3)]
    pub turns: u32,
    /// Tickets the replies are spread over.
    #[arg(long, default_value_t = 100)]
    pub tickets: usize,
    /// The worker's `[notify] max_per_second` (0: as fast as the server takes them).
    #[arg(long, default_value_t = 0)]
    pub max_per_second: u32,
    /// The worker's `[notify] concurrency` and `batch`: mails claimed, in hand and recorded
    /// together.
    #[arg(long, default_value_t = NotifyConfig::default().concurrency)]
    pub concurrency: usize,
    /// Runs the helpdesk on PostgreSQL (a fresh schema in `KEFU_TEST_POSTGRES_URL`'s database)
    /// instead of SQLite.
    #[arg(long)]
    pub postgres: bool,
}

fn mail(i: usize) -> Outbound {
    Outbound {
        message_id: format!("send-bench-{i}@kefu.localhost"),
        from: Party {
            name: Some("After-sales support".into()),
            address: "support@kefu.localhost".into(),
        },
        reply_to: Some(format!("support+t{i}-0123456789@kefu.localhost")),
        to: vec![Party {
            name: Some(format!("Customer {i}")),
            address: format!("customer{i}@example.cn"),
        }],
        cc: Vec::new(),
        subject: format!("[#{i}] 订单 {i} 的发货时间"),
        in_reply_to: Some(format!("bench-{i}@example.cn")),
        references: vec![format!("bench-{i}@example.cn")],
        thread_topic: format!("订单 {i} 的发货时间"),
        thread_index: "AdqE1fM0Nzg5MDEyMzQ1Njc4OTA=".into(),
        automatic: false,
        text: format!(
            "您好，\n\n您的订单 {i} 今天发货，快递单号 SF{i:010}。\n\n-- \n王伟\n售后支持\n"
        ),
        html: Some(format!(
            "<!doctype html><html><body><p>您好，</p><p>您的订单 {i} 今天发货，快递单号 SF{i:010}。</p></body></html>"
        )),
        date: kefu_domain::time::now(),
        attachments: Vec::new(),
    }
}

fn smtp(sink: &PostfixSink) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(sink.port),
        security: SmtpSecurity::None,
        username: None,
        password: None,
        timeout_seconds: 30,
        pool_size: 8,
    }
}

/// Replies at `rate` per second for `seconds`, each timed from when it was due (so a slow
/// server is not hidden by sending fewer).
async fn replies(
    agent: &TestClient,
    tickets: &[String],
    rate: u64,
    seconds: u64,
    label: &str,
) -> anyhow::Result<Histogram<u64>> {
    let total = (rate * seconds) as usize;
    let gap = Duration::from_secs_f64(1.0 / rate.max(1) as f64);
    let start = Instant::now();
    let mut running = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = start + gap * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let agent = agent.clone();
        let ticket = tickets[i % tickets.len()].clone();
        let label = label.to_owned();
        running.spawn(async move {
            let (status, body) = agent
                .post(
                    &format!("/api/v1/tickets/{ticket}/messages"),
                    &serde_json::json!({"body": format!("{label}: your order ships today ({i}).")}),
                )
                .await;
            anyhow::ensure!(status.is_success(), "a reply failed: {status} {body}");
            Ok(due.elapsed())
        });
    }
    let mut histogram = Histogram::<u64>::new(3)?;
    while let Some(done) = running.join_next().await {
        histogram.record(done??.as_micros() as u64)?;
    }
    Ok(histogram)
}

/// Holds every pending mail back (due in a year), or makes it due now; mails the worker has
/// claimed are left to it. How many mails it moved.
async fn hold_backlog(app: &kefu_app::App, hold: bool) -> anyhow::Result<usize> {
    let now = chrono::Utc::now();
    let due = if hold {
        now + chrono::Duration::days(365)
    } else {
        now
    };
    Ok(app
        .store
        .write(move |conn| outbox::reschedule_unclaimed(conn, now, due))
        .await?)
}

/// How many mails the outbox holds in each state.
async fn states(app: &kefu_app::App) -> anyhow::Result<Vec<(String, i64)>> {
    Ok(app.store.read(outbox::count_by_state).await?)
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

/// Runs the measurements and prints them.
pub async fn run(args: SendArgs) -> anyhow::Result<()> {
    let sink = PostfixSink::start();

    // 1. The bare client: lettre's pooled SMTP client alone, eight at a time.
    let direct =
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(sink.port)
            .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(8))
            .build();
    let sample = 1_000;
    let started = Instant::now();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(8));
    let mut sending = tokio::task::JoinSet::new();
    for i in 0..sample {
        let message = mail(1_000_000 + i).build()?;
        let (direct, permit) = (direct.clone(), semaphore.clone().acquire_owned().await?);
        sending.spawn(async move {
            let sent = direct.send(message).await;
            drop(permit);
            sent
        });
    }
    while let Some(done) = sending.join_next().await {
        done??;
    }
    let capacity = sample as f64 / started.elapsed().as_secs_f64();

    // The helpdesk: the HTTP API on SQLite (or PostgreSQL), an agent, and tickets opened by mail.
    let (db, backend) = if args.postgres {
        let db = TestDb::postgres().await.ok_or_else(|| {
            anyhow::anyhow!("--postgres is off while KEFU_TEST_SKIP_POSTGRES is set")
        })?;
        (db, "PostgreSQL")
    } else {
        (TestDb::sqlite().await, "SQLite")
    };
    let server = TestApp::start(db).await;
    let app = server.app().clone();
    let (_, agent) = server.user(Role::Agent, "agent@shop.example").await;
    let mut tickets = Vec::with_capacity(args.tickets);
    for i in 0..args.tickets {
        let raw = format!(
            "From: Customer {i} <customer{i}@example.cn>\r\nTo: support@kefu.localhost\r\nSubject: Order {i}\r\nMessage-ID: <send-bench-ticket-{i}@example.cn>\r\n\r\nWhen does order {i} ship?\r\n"
        );
        let changed = ingest(
            &app,
            Delivery {
                raw: raw.into_bytes(),
                source: Source::Pipe,
                mailbox: None,
            },
        )
        .await?;
        match app.published(changed) {
            kefu_app::mail::ingest::Ingested::Created { ticket, .. } => {
                tickets.push(ticket.to_string());
            }
            other => anyhow::bail!("a ticket was not opened: {other:?}"),
        }
    }

    // The backlog, written as replies' mail is: rows in the outbox, held back until the first
    // turn of sending.
    let payloads: Vec<String> = (0..args.backlog)
        .map(|i| serde_json::to_string(&mail(i)))
        .collect::<Result<_, _>>()?;
    app.store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            for payload in &payloads {
                kefu_store::mail::outbox::enqueue(conn, None, None, None, payload, false, now)?;
            }
            Ok::<_, kefu_store::StoreError>(())
        })
        .await?;
    hold_backlog(&app, true).await?;
    let sent = || async {
        app.store
            .read(kefu_store::mail::outbox::sent_count)
            .await
            .map(|n| usize::try_from(n).unwrap_or(0))
    };

    // The notification role runs throughout, as it does on a server: in the quiet turns it
    // sends only the replies' own mails as they come, in the busy turns the backlog too.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(kefu_notify::run(
        app.clone(),
        NotifyConfig {
            max_per_second: (args.max_per_second > 0).then_some(args.max_per_second),
            concurrency: args.concurrency,
            batch: i64::try_from(args.concurrency).unwrap_or(i64::MAX),
            ..NotifyConfig::default()
        },
        Transport::smtp(&smtp(&sink))?,
        stopping,
    ));
    let mut quiet = Histogram::<u64>::new(3)?;
    let mut busy = Histogram::<u64>::new(3)?;
    let (mut during, mut during_seconds) = (0, 0.0);
    // A few seconds of replies first, not counted: the backlog was just written.
    replies(&agent, &tickets, args.reply_rate, 5, "warm-up").await?;
    let turns = args.turns.max(1);
    for _ in 0..turns {
        quiet.add(replies(&agent, &tickets, args.reply_rate, args.seconds, "quiet").await?)?;

        let before = sent().await?;
        let started = Instant::now();
        hold_backlog(&app, false).await?;
        busy.add(replies(&agent, &tickets, args.reply_rate, args.seconds, "busy").await?)?;
        during += sent().await?.saturating_sub(before);
        during_seconds += started.elapsed().as_secs_f64();
        let left = hold_backlog(&app, true).await?;
        anyhow::ensure!(
            left > 0,
            "the backlog ran out during a sending turn ({} sent in all, by state: {:?}); give a larger --backlog",
            sent().await?,
            states(&app).await?
        );
        // The mails the worker has in hand leave before the next quiet turn.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let _ = stop.send(true);
    let _ = worker.await;
    let (quiet, busy) = (&quiet, &busy);

    println!(
        "SMTP server (Postfix smtp-sink on loopback): lettre alone sends {capacity:.0} mails/s (8 connections)"
    );
    println!(
        "Kefu's worker (max_per_second {}, concurrency {}): {during} mails in {during_seconds:.1} s while agents replied ({:.0} mails/s)",
        if args.max_per_second > 0 {
            args.max_per_second.to_string()
        } else {
            "none".to_owned()
        },
        args.concurrency,
        during as f64 / during_seconds,
    );
    println!(
        "reply API ({backend}, {} replies/s, {} turns of {} s each way): p50 {:.1} ms, p99 {:.1} ms without sending; p50 {:.1} ms, p99 {:.1} ms while sending; p99 ratio {:.2}×",
        args.reply_rate,
        turns,
        args.seconds,
        ms(quiet, 0.5),
        ms(quiet, 0.99),
        ms(busy, 0.5),
        ms(busy, 0.99),
        ms(busy, 0.99) / ms(quiet, 0.99).max(0.001),
    );
    Ok(())
}
