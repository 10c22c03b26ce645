//! `kefu-mail-bench`: end-to-end mail ingestion (read, thread, store the ticket, the message
//! and its attachments, announce the change) on a fresh database, beside bare `mail-parser`
//! reading the same mails in the same run, and the ratio of the two (`ingest`); and the time
//! from a mail's delivery into a Dovecot mailbox to its ticket being announced to the queue,
//! at a fixed rate, through IMAP (`imap`); and mail handed to a local SMTP server by the outbox
//! worker while agents reply (`send`).
#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

mod mail_send;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use clap::Parser;
use kefu_app::mail::MailConfig;
use kefu_app::mail::ingest::{Delivery, Ingested, Source, ingest};
use kefu_app::{App, SessionPolicy};
use kefu_store::{Store, StoreConfig};

#[derive(Debug, Parser)]
#[command(name = "kefu-mail-bench", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Mails per second taken in, beside bare parsing.
    Ingest(Args),
    /// Delivery-to-queue latency through IMAP at a fixed rate (starts its own Dovecot).
    Imap(ImapArgs),
    /// Mails per second to a local SMTP server, and the reply API's latency meanwhile.
    Send(mail_send::SendArgs),
}

#[derive(Debug, clap::Args)]
struct ImapArgs {
    /// Mails delivered per second.
    #[arg(long, default_value_t = 50)]
    rate: u64,
    /// For how long.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
}

#[derive(Debug, clap::Args)]
struct Args {
    /// The database: a fresh SQLite file in a temporary folder if not given.
    #[arg(long)]
    database_url: Option<String>,
    /// Mails to take in.
    #[arg(long, default_value_t = 5_000)]
    mails: usize,
    /// Mails taken in at once (as several mailboxes or MTA pipes would).
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
}

/// A mix like a support mailbox's: new questions in several charsets, answers that thread by
/// headers or by tag, HTML mail, and a photo attached to one mail in ten.
fn corpus(count: usize) -> Vec<Vec<u8>> {
    let png = base64::engine::general_purpose::STANDARD
        .encode([b"\x89PNG\r\n\x1a\n".as_slice(), &[0_u8; 2_000]].concat());
    let gbk_subject = "=?GBK?B?tPLTobv6v6jWvQ==?="; // 打印机卡纸
    (0..count)
        .map(|i| {
            let customer = i % 500;
            let answers = if i >= 500 && i % 3 == 0 {
                format!("In-Reply-To: <bench-{}@example.cn>\r\n", i - 500)
            } else {
                String::new()
            };
            let (kind, body) = match i % 10 {
                0 => (
                    "multipart/mixed; boundary=\"m\"".to_owned(),
                    format!(
                        "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPhoto of the damage, order {i}.\r\n--m\r\nContent-Type: image/png; name=\"photo.png\"\r\nContent-Disposition: attachment; filename=\"photo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{png}\r\n--m--\r\n"
                    ),
                ),
                1 | 2 => (
                    "text/html; charset=utf-8".to_owned(),
                    format!("<html><body><p>Hello, my order <b>{i}</b> has not arrived.</p><p>Thanks</p></body></html>\r\n"),
                ),
                _ => (
                    "text/plain; charset=utf-8".to_owned(),
                    format!("您好，我的订单 {i} 还没有发货，请帮忙查一下。\r\n\r\nOn Mon, 1 Dec 2026, Support wrote:\r\n> Thank you for your order.\r\n"),
                ),
            };
            let subject = if i % 4 == 0 { gbk_subject.to_owned() } else { format!("Order {i} question") };
            format!(
                "From: Customer {customer} <customer{customer}@example.cn>\r\nTo: support@shop.example\r\nSubject: {subject}\r\nMessage-ID: <bench-{i}@example.cn>\r\n{answers}Date: Fri, 04 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: {kind}\r\n\r\n{body}"
            )
            .into_bytes()
        })
        .collect()
}

async fn run(args: Args) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.sqlite3").display()));
    let mails = corpus(args.mails);
    let bytes: usize = mails.iter().map(Vec::len).sum();

    // The baseline: mail-parser alone, on one thread, over the same mails.
    let started = Instant::now();
    let mut parts = 0;
    for raw in &mails {
        if let Some(message) = mail_parser::MessageParser::default().parse(raw) {
            parts += message.parts.len();
        }
    }
    let bare = mails.len() as f64 / started.elapsed().as_secs_f64();

    let store = Store::open(&StoreConfig {
        url: url.clone(),
        ..StoreConfig::default()
    })
    .await?;
    store.migrate().await?;
    let files = kefu_app::files::FileStore::open(&dir.join("files"), 10 * 1024 * 1024)?;
    let app = App::new(store, None, SessionPolicy::default())?
        .with_files(files)
        .with_mail(MailConfig::default());
    let mut changes = app.subscribe();
    let queue = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let heard = queue.clone();
    tokio::spawn(async move {
        while changes.recv().await.is_ok() {
            heard.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mails = Arc::new(mails);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.max(1) {
        let (app, next, mails) = (app.clone(), next.clone(), mails.clone());
        workers.spawn(async move {
            let mut outcomes = [0_usize; 3];
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(raw) = mails.get(i) else { break };
                let changed = ingest(
                    &app,
                    Delivery {
                        raw: raw.clone(),
                        source: Source::Pipe,
                        mailbox: None,
                    },
                )
                .await?;
                match app.published(changed) {
                    Ingested::Created { .. } => outcomes[0] += 1,
                    Ingested::Added { .. } => outcomes[1] += 1,
                    _ => outcomes[2] += 1,
                }
            }
            Ok::<_, anyhow::Error>(outcomes)
        });
    }
    let mut outcomes = [0_usize; 3];
    while let Some(done) = workers.join_next().await {
        let counts = done??;
        for (total, n) in outcomes.iter_mut().zip(counts) {
            *total += n;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let taken = mails.len() as f64 / seconds;
    println!(
        "corpus: {} mails, {:.1} MB, {parts} MIME parts; database {}",
        mails.len(),
        bytes as f64 / 1e6,
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!("bare mail-parser:      {bare:>9.0} mails/s (one thread)");
    println!(
        "end-to-end ingestion:  {taken:>9.0} mails/s ({} at once; {:.2} s; {} new tickets, {} threaded, {} other; {} changes announced)",
        args.concurrency,
        seconds,
        outcomes[0],
        outcomes[1],
        outcomes[2],
        queue.load(std::sync::atomic::Ordering::Relaxed)
    );
    println!(
        "ratio:                 {:.1} % of bare parsing",
        100.0 * taken / bare
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("kefu-mail-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Delivers mails into a Dovecot mailbox at `rate` per second while Kefu fetches it over IMAP
/// (with IDLE); reports how long after each delivery its ticket was announced.
async fn imap_latency(args: ImapArgs) -> anyhow::Result<()> {
    use kefu_testkit::mail_servers::Dovecot;
    const USER: &str = "support@shop.example";
    let dovecot = Arc::new(Dovecot::start(&[(USER, "bench-password")]));
    let dir = tempfile_dir()?;
    let store = Store::open(&StoreConfig {
        url: format!("sqlite://{}", dir.join("imap.sqlite3").display()),
        ..StoreConfig::default()
    })
    .await?;
    store.migrate().await?;
    let files = kefu_app::files::FileStore::open(&dir.join("files"), 10 * 1024 * 1024)?;
    let app = App::new(store, None, SessionPolicy::default())?
        .with_files(files)
        .with_mail(MailConfig::default());
    let admin = kefu_domain::permissions::Actor {
        user: kefu_domain::ids::UserId::new(),
        role: kefu_domain::role::Role::Admin,
        customer: None,
    };
    let request: kefu_api_types::mail::MailboxRequest = serde_json::from_value(
        serde_json::json!({
            "name": "Support", "address": USER,
            "imap": {"host": "127.0.0.1", "port": dovecot.port, "security": "none", "username": USER, "password": "bench-password"},
        }),
    )?;
    kefu_app::mail::mailboxes::create(&app, admin, kefu_app::audit::Origin::cli(), request).await?;
    let mut changes = app.subscribe();
    let (stop, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(kefu_app::mail::fetching::run(app.clone(), stopping));
    // Let the fetcher sign in and start waiting.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let total = (args.rate * args.seconds) as usize;
    let delivered = Arc::new(std::sync::Mutex::new(Vec::with_capacity(total)));
    let deliverer = {
        let (dovecot, delivered) = (dovecot.clone(), delivered.clone());
        let gap = std::time::Duration::from_secs_f64(1.0 / args.rate.max(1) as f64);
        tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            for i in 0..total {
                let due = start + gap * i as u32;
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let raw = format!(
                    "From: c{i}@example.com\r\nTo: {USER}\r\nSubject: Question {i}\r\nMessage-ID: <imap-bench-{i}@example.com>\r\n\r\nHello {i}\r\n"
                );
                dovecot.deliver(USER, raw.as_bytes());
                delivered
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Instant::now());
            }
        })
    };
    let mut announced = Vec::with_capacity(total);
    let deadline = Instant::now() + std::time::Duration::from_secs(args.seconds + 30);
    while announced.len() < total && Instant::now() < deadline {
        match tokio::time::timeout(std::time::Duration::from_secs(1), changes.recv()).await {
            Ok(Ok(kefu_app::Change::Ticket {
                kind: kefu_app::ChangeKind::Created,
                ..
            })) => announced.push(Instant::now()),
            Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => break,
            _ => {}
        }
    }
    deliverer.await?;
    let _ = stop.send(true);
    let delivered = delivered.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut histogram = hdrhistogram::Histogram::<u64>::new(3)?;
    for (at, seen) in delivered.iter().zip(&announced) {
        histogram.record(seen.saturating_duration_since(*at).as_micros() as u64)?;
    }
    let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "IMAP (Dovecot, IDLE), SQLite: {} mails at {}/s, {} on the queue; delivery → ticket announced: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        delivered.len(),
        args.rate,
        announced.len(),
        ms(0.50),
        ms(0.95),
        ms(0.99),
        histogram.max() as f64 / 1000.0
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kefu-mail-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    let done = match cli.command {
        Command::Ingest(args) => runtime.block_on(run(args)),
        Command::Imap(args) => runtime.block_on(imap_latency(args)),
        Command::Send(args) => runtime.block_on(mail_send::run(args)),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kefu-mail-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
