//! `kefu-vendor-bench`: seeds vendors and escalations into a Kefu database, then measures the
//! vendor portal's queue and the vendor scorecard against a running server, beside the
//! `/healthz` baseline of the same run.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand};
use kefu_domain::account::User;
use kefu_domain::email::EmailAddress;
use kefu_domain::escalation::{EntryKind, Escalation, EscalationMessage, EscalationStatus};
use kefu_domain::ids::{EscalationId, EscalationMessageId, TicketId, UserId, VendorId};
use kefu_domain::message::AuthorKind;
use kefu_domain::password::Password;
use kefu_domain::role::Role;
use kefu_domain::vendor::{ResponseTargets, Vendor, VendorKind};
use kefu_loadgen::{Client, Report, measure, report_of};
use kefu_store::{Store, StoreConfig, dialect, escalations, tickets, users, vendors};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Seed and measure vendor escalation.
#[derive(Debug, Parser)]
#[command(name = "kefu-vendor-bench", version, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Add vendors (one portal user each, password from standard input) and escalations of
    /// the tickets already there (run `kefu demo seed` first), spread over the past year.
    Seed {
        /// The database (as `KEFU_DATABASE_URL`).
        #[arg(long)]
        database_url: String,
        /// Vendor organisations to add.
        #[arg(long, default_value_t = 50)]
        vendors: usize,
        /// Escalations to add.
        #[arg(long, default_value_t = 100_000)]
        escalations: usize,
    },
    /// Measure a running server: each vendor user's queue, and the scorecard for a year.
    Run {
        /// The server to measure.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// An agent or admin to sign in as (password from standard input, as for the vendor
        /// users).
        #[arg(long)]
        email: String,
        /// The vendor users to sign in as (the first N seeded).
        #[arg(long, default_value_t = 50)]
        vendors: usize,
        /// Requests per queue scenario.
        #[arg(long, default_value_t = 2_000)]
        requests: usize,
        /// Concurrent clients.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Scorecards to ask for, one at a time.
        #[arg(long, default_value_t = 40)]
        scorecards: usize,
    },
}

fn vendor_email(i: usize) -> String {
    format!("vendor-{i}@bench.example")
}

const KINDS: [VendorKind; 5] = [
    VendorKind::Oem,
    VendorKind::Isv,
    VendorKind::Supplier,
    VendorKind::Logistics,
    VendorKind::ServicePartner,
];

/// Statuses in the mix a year of escalations has: most over, some in the vendor's hands.
const MIX: [(EscalationStatus, u32); 8] = [
    (EscalationStatus::Closed, 55),
    (EscalationStatus::Answered, 10),
    (EscalationStatus::InProgress, 8),
    (EscalationStatus::Requested, 6),
    (EscalationStatus::Acknowledged, 5),
    (EscalationStatus::InfoRequested, 4),
    (EscalationStatus::Returned, 6),
    (EscalationStatus::Cancelled, 6),
];

fn pick(rng: &mut StdRng) -> EscalationStatus {
    let total: u32 = MIX.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (status, weight) in MIX {
        if roll < weight {
            return status;
        }
        roll -= weight;
    }
    EscalationStatus::Closed
}

async fn seed(url: &str, vendor_count: usize, count: usize) -> anyhow::Result<()> {
    let password =
        Password::parse(&kefu_loadgen::password_from_stdin()?).map_err(anyhow::Error::msg)?;
    let hash = tokio::task::spawn_blocking(move || kefu_app::passwords::hash_blocking(&password))
        .await??;
    let store = Store::open(&StoreConfig {
        url: url.to_owned(),
        ..StoreConfig::default()
    })
    .await
    .with_context(|| format!("opening {url}"))?;
    let ticket_ids: Vec<TicketId> = store
        .read(|conn| {
            let total = tickets::count_all(conn)?;
            tickets::numbered_after(conn, (total - 20_000).max(0), 20_000)
        })
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if ticket_ids.is_empty() {
        bail!("there are no tickets to escalate: run `kefu demo seed` first");
    }
    let started = Instant::now();
    let now = Utc::now();
    let vendor_list: Vec<Vendor> = (0..vendor_count)
        .map(|i| {
            Ok(Vendor {
                id: VendorId::new(),
                name: format!("Bench vendor {i}"),
                kind: KINDS[i % KINDS.len()],
                contacts: vec![EmailAddress::parse(&format!("cases-{i}@bench.example"))?],
                coverage: vec![format!("product-{i}")],
                targets: ResponseTargets::new(4 * 60, 3 * 24 * 60)?,
                share_contact_by_default: false,
                active: true,
                created_at: now,
                updated_at: now,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let seeded = vendor_list.clone();
    store
        .write(move |conn| {
            for (i, vendor) in seeded.iter().enumerate() {
                vendors::insert(conn, vendor)?;
                let user = User {
                    id: UserId::new(),
                    email: EmailAddress::parse(&vendor_email(i))?,
                    name: format!("Vendor user {i}"),
                    role: Role::Vendor,
                    active: true,
                    locale: None,
                    created_at: now,
                };
                users::insert(conn, &user, Some(&hash))?;
                vendors::add_user(conn, vendor.id, user.id)?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .await?;
    let mut rng = StdRng::seed_from_u64(9);
    let mut written = 0;
    while written < count {
        let size = (count - written).min(2_000);
        let mut batch = Vec::with_capacity(size);
        let mut thread = Vec::with_capacity(size);
        for _ in 0..size {
            let vendor = &vendor_list[rng.random_range(0..vendor_list.len())];
            let at = now - chrono::Duration::minutes(rng.random_range(10..365 * 24 * 60));
            let status = pick(&mut rng);
            let (acknowledge_by, answer_by) = vendor.targets.due_times(at);
            let ack = at + chrono::Duration::minutes(rng.random_range(5..10 * 60));
            let answer = ack + chrono::Duration::minutes(rng.random_range(30..6 * 24 * 60));
            let vendor_acted =
                status != EscalationStatus::Requested && status != EscalationStatus::Cancelled;
            let answered = matches!(
                status,
                EscalationStatus::Answered | EscalationStatus::Closed
            );
            let e = Escalation {
                id: EscalationId::new(),
                ticket: ticket_ids[rng.random_range(0..ticket_ids.len())],
                vendor: vendor.id,
                status,
                subject: format!(
                    "Case about product-{} #{}",
                    rng.random_range(0..vendor_count),
                    written
                ),
                brief: "The customer's device fails after the update; please advise.".into(),
                contact: None,
                requested_at: at,
                acknowledge_by,
                answer_by,
                acknowledged_at: vendor_acted.then_some(ack),
                answered_at: answered.then_some(answer),
                returned_at: (status == EscalationStatus::Returned).then_some(ack),
                reopened: i32::from(answered && rng.random_range(0..10) == 0),
                updated_at: if answered { answer } else { ack.min(now) },
            };
            thread.push(EscalationMessage {
                id: EscalationMessageId::new(),
                escalation: e.id,
                kind: EntryKind::Event,
                author_kind: AuthorKind::System,
                author_user: None,
                body: String::new(),
                data: Some(serde_json::json!({ "to": "requested" })),
                source_message: None,
                created_at: at,
            });
            batch.push(e);
        }
        store
            .write(move |conn| {
                escalations::insert_many(conn, &batch)?;
                escalations::insert_messages(conn, &thread)
            })
            .await?;
        written += size;
    }
    store.write(dialect::analyze).await?;
    if url.starts_with("postgres") {
        // A freshly loaded table has no visibility map yet: without a vacuum, every count
        // would read the heap, as no server that has been running a while does.
        let status = tokio::process::Command::new("psql")
            .args([url, "-qc", "VACUUM ANALYZE escalations"])
            .status()
            .await
            .context("running psql to vacuum the new escalations")?;
        if !status.success() {
            bail!("VACUUM ANALYZE escalations failed: {status}");
        }
    }
    println!(
        "seeded {vendor_count} vendors (users {} … {}) and {count} escalations in {:.1} s",
        vendor_email(0),
        vendor_email(vendor_count - 1),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn run(
    url: &str,
    email: &str,
    vendor_count: usize,
    requests: usize,
    concurrency: usize,
    scorecards: usize,
) -> anyhow::Result<()> {
    let password = kefu_loadgen::password_from_stdin()?;
    let admin = Client::login(url, email, &password).await?;
    let mut portal = Vec::with_capacity(vendor_count);
    for i in 0..vendor_count {
        portal.push(Client::login(url, &vendor_email(i), &password).await?);
    }
    println!("{}", Report::header());
    let warmup = (requests / 10).max(20);
    let cl = admin.clone();
    let baseline = measure(
        "baseline: GET /healthz",
        warmup,
        requests,
        concurrency,
        move |_| cl.get("/healthz"),
    )
    .await?;
    println!("{}", baseline.line());
    let clients = portal.clone();
    let queue = measure(
        "vendor queue (open, next due)",
        warmup,
        requests,
        concurrency,
        move |i| clients[i % clients.len()].get("/api/v1/escalations?limit=50"),
    )
    .await?;
    println!("{}", queue.line());
    let clients = portal.clone();
    let overdue = measure(
        "vendor queue: overdue only",
        warmup,
        requests,
        concurrency,
        move |i| clients[i % clients.len()].get("/api/v1/escalations?overdue=true&limit=50"),
    )
    .await?;
    println!("{}", overdue.line());
    let clients = portal.clone();
    let search = measure(
        "vendor queue: all, search",
        warmup,
        requests,
        concurrency,
        move |i| {
            clients[i % clients.len()].get(&format!(
                "/api/v1/escalations?status=all&q=product-{}&limit=50",
                i % 50
            ))
        },
    )
    .await?;
    println!("{}", search.line());
    let to = Utc::now();
    let from = to - chrono::Duration::days(365);
    let path = format!(
        "/api/v1/vendor-scorecard?from={}&to={}",
        from.format("%Y-%m-%dT%H:%M:%SZ"),
        to.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let mut latencies = Vec::with_capacity(scorecards);
    for i in 0..scorecards + 3 {
        let sent = Instant::now();
        let response = admin.get(&path).send().await?;
        if !response.status().is_success() {
            bail!("GET {path}: {}", response.status());
        }
        response.bytes().await?;
        if i >= 3 {
            latencies.push(sent.elapsed());
        }
    }
    let card = report_of("scorecard, 50 vendors, a year", &latencies)?;
    println!("{}", card.line());
    println!();
    println!(
        "queue p99 {:.2} ms (target ≤ 10 ms, baseline p99 {:.2} ms); scorecard p50 {:.1} ms, max {:.1} ms (target ≤ 200 ms)",
        queue.p99_ms, baseline.p99_ms, card.p50_ms, card.max_ms
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kefu-vendor-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match args.command {
            Command::Seed {
                database_url,
                vendors,
                escalations,
            } => seed(&database_url, vendors.max(1), escalations).await,
            Command::Run {
                url,
                email,
                vendors,
                requests,
                concurrency,
                scorecards,
            } => {
                run(
                    &url,
                    &email,
                    vendors.max(1),
                    requests,
                    concurrency,
                    scorecards,
                )
                .await
            }
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kefu-vendor-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
