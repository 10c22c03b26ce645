//! `kefu-sla-bench`: measures service levels. `queue` asks a running server for the "due
//! soonest" queue (and the breached one), beside the `/healthz` baseline and the default
//! queue page of the same run. `sweep` writes open tickets with running clocks into a
//! database of their own and times the sweep that fires their near breaches, beside a plain
//! read of the same clocks.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{Duration, Utc};
use clap::{Parser, Subcommand};
use kefu_domain::account::Customer;
use kefu_domain::calendar::BusinessCalendar;
use kefu_domain::ids::{CalendarId, CustomerId, SlaPolicyId};
use kefu_domain::sla::{Scope, SlaClock, SlaPolicy, Targets};
use kefu_domain::ticket::{Channel, Stage, Ticket, TicketNumber};
use kefu_loadgen::{Client, PathOf, Report, measure, queue_baselines};
use kefu_store::sla::calendars::{self, CalendarRecord};
use kefu_store::sla::clocks;
use kefu_store::sla::policies::{self, PolicyRecord};
use kefu_store::{Store, StoreConfig, customers, dialect, tickets};

/// Measure service levels.
#[derive(Debug, Parser)]
#[command(name = "kefu-sla-bench", version, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure a running server's "due soonest" and breached queues (run `kefu demo seed`
    /// first, so tickets have clocks).
    Queue {
        /// The server to measure.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// An agent or admin to sign in as (password from standard input).
        #[arg(long)]
        email: String,
        /// Requests per scenario.
        #[arg(long, default_value_t = 2_000)]
        requests: usize,
        /// Concurrent clients.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Write open tickets with clocks into an empty database of their own and time the sweep.
    Sweep {
        /// An empty database (as `KEFU_DATABASE_URL`); it is migrated and filled.
        #[arg(long)]
        database_url: String,
        /// Open tickets with running clocks.
        #[arg(long, default_value_t = 100_000)]
        tickets: usize,
    },
}

async fn queue(url: &str, email: &str, requests: usize, concurrency: usize) -> anyhow::Result<()> {
    let client = Client::login(url, email, &kefu_loadgen::password_from_stdin()?).await?;
    let teams: serde_json::Value = client.get_json("/api/v1/teams").await?;
    let teams: Vec<String> = teams["items"]
        .as_array()
        .context("the teams")?
        .iter()
        .filter_map(|t| t["id"].as_str().map(str::to_owned))
        .collect();
    if teams.is_empty() {
        bail!("there are no teams: run `kefu demo seed` first");
    }
    let first: serde_json::Value = client
        .get_json(&format!(
            "/api/v1/tickets?team={}&status=unsolved&sort=due&limit=50",
            teams[0]
        ))
        .await?;
    let cursor = first["next_cursor"].as_str().unwrap_or_default().to_owned();
    println!("{}", Report::header());
    let warmup = (requests / 10).max(20);
    let mut scenarios = queue_baselines(&teams);
    scenarios.extend::<Vec<(&str, PathOf)>>(vec![
        ("due soonest: one team, page 1", {
            let teams = teams.clone();
            Box::new(move |i| {
                format!(
                    "/api/v1/tickets?team={}&status=unsolved&sort=due&limit=50",
                    teams[i % teams.len()]
                )
            })
        }),
        ("due soonest: page 2 (cursor)", {
            let path = format!(
                "/api/v1/tickets?team={}&status=unsolved&sort=due&limit=50&cursor={cursor}",
                teams[0]
            );
            Box::new(move |_| path.clone())
        }),
        (
            "due soonest: everyone's",
            Box::new(|_| "/api/v1/tickets?status=unsolved&sort=due&limit=50".to_owned()),
        ),
        ("breached: one team, due soonest", {
            let teams = teams.clone();
            Box::new(move |i| {
                format!(
                    "/api/v1/tickets?team={}&status=unsolved&breached=true&sort=due&limit=50",
                    teams[i % teams.len()]
                )
            })
        }),
    ]);
    for (name, path) in scenarios {
        let cl = client.clone();
        let report = measure(name, warmup, requests, concurrency, move |i| {
            cl.get(&path(i))
        })
        .await?;
        println!("{}", report.line());
    }
    Ok(())
}

/// A round-the-clock calendar and one policy: first response in 8 hours, resolution in 3 days.
fn policy(calendar: CalendarId) -> SlaPolicy {
    SlaPolicy {
        id: SlaPolicyId::new(),
        name: "Bench".to_owned(),
        position: 0,
        calendar,
        scope: Scope::default(),
        targets: Targets {
            first_response: Some(8 * 60),
            next_response: None,
            resolution: Some(3 * 24 * 60),
            call_back: None,
        },
        warn_percent: 80,
        active: true,
    }
}

async fn sweep(url: &str, count: usize) -> anyhow::Result<()> {
    let store = Store::open(&StoreConfig {
        url: url.to_owned(),
        ..StoreConfig::default()
    })
    .await
    .with_context(|| format!("opening {url}"))?;
    store.migrate().await?;
    let now = Utc::now();
    let calendar = BusinessCalendar::always_open();
    let record = CalendarRecord {
        id: CalendarId::new(),
        name: "Always".to_owned(),
        calendar: calendar.clone(),
        created_at: now,
        updated_at: now,
    };
    let policy = policy(record.id);
    let requester = Customer {
        id: CustomerId::new(),
        name: "Bench customer".to_owned(),
        organisation: None,
        emails: Vec::new(),
        phones: Vec::new(),
        user: None,
        created_at: now,
    };
    {
        let (record, policy, requester) = (record.clone(), policy.clone(), requester.clone());
        store
            .write(move |conn| {
                if tickets::count_all(conn)? > 0 {
                    bail!("the sweep benchmark needs an empty database of its own");
                }
                calendars::insert(conn, &record)?;
                policies::insert(
                    conn,
                    &PolicyRecord {
                        policy,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                customers::insert_many(conn, &[requester])?;
                Ok(())
            })
            .await?;
    }
    // Opened over the past 8 hours, one every few tenths of a second: their first responses
    // warn (at 80 %, 6 h 24 min) spread over the 96 minutes before the last one would.
    let started = Instant::now();
    let span = Duration::hours(8).num_milliseconds();
    let mut written = 0;
    while written < count {
        let size = (count - written).min(5_000);
        let policy = policy.clone();
        let calendar = calendar.clone();
        let requester = requester.id;
        store
            .write(move |conn| {
                let numbers = dialect::next_ticket_numbers(conn, size)?;
                let mut list = Vec::with_capacity(size);
                let mut clocks_of = Vec::with_capacity(size);
                for (i, number) in numbers.into_iter().enumerate() {
                    let age = span * i64::try_from(written + i)? / i64::try_from(count)?;
                    let opened = now - Duration::milliseconds(span - age);
                    let mut ticket = Ticket::opened_by_customer(
                        TicketNumber::new(number)?,
                        format!("Bench ticket {number}"),
                        Stage::AfterSale,
                        Channel::Email,
                        requester,
                        None,
                        opened,
                    );
                    let clock = SlaClock::start(&policy, &ticket, opened);
                    let schedule = clock.schedule(&ticket, &calendar);
                    ticket.sla_due_at = schedule.next_due();
                    clocks_of.push((ticket.id, clock, schedule));
                    list.push(ticket);
                }
                tickets::insert_many(conn, &list)?;
                // Written before the benchmark's clock starts: every alert is still to come.
                clocks::insert_many(conn, &clocks_of, opened_before(now, span))?;
                Ok::<_, anyhow::Error>(())
            })
            .await?;
        written += size;
    }
    store.write(dialect::analyze).await?;
    println!(
        "wrote {count} open tickets with running clocks in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    println!("{:<52} {:>9} {:>9}", "step", "alerts", "ms");
    let read_started = Instant::now();
    let rows = store
        .read(|conn| {
            use diesel::prelude::*;
            use kefu_store::schema::ticket_slas;
            Ok::<_, anyhow::Error>(
                ticket_slas::table
                    .select((ticket_slas::ticket_id, ticket_slas::alert_at))
                    .load::<(String, chrono::NaiveDateTime)>(conn)?
                    .len(),
            )
        })
        .await?;
    println!(
        "{:<52} {:>9} {:>9.1}",
        "baseline: read every clock's id and next alert",
        rows,
        ms(read_started)
    );
    let sweep_at = |label: &'static str, at: chrono::DateTime<Utc>| {
        let store = store.clone();
        async move {
            let started = Instant::now();
            let mut fired = 0;
            loop {
                let round = store
                    .write(move |conn| {
                        kefu_app::sla::alerts::fire(conn, at, kefu_app::sla::alerts::SWEEP_BATCH)
                    })
                    .await?;
                fired += round.len();
                if round.len() < usize::try_from(kefu_app::sla::alerts::SWEEP_BATCH)? {
                    break;
                }
            }
            println!("{:<52} {:>9} {:>9.1}", label, fired, ms(started));
            Ok::<_, anyhow::Error>(())
        }
    };
    // Alerts are at 6 h 24 min after each opening: spread over the 8 hours ending now, so
    // sweeping "now + d" finds those whose warning falls before it.
    sweep_at(
        "sweep with nothing due (the index probe)",
        now - Duration::hours(2),
    )
    .await?;
    sweep_at(
        "sweep: 1 % of the clocks warn",
        now - Duration::minutes(96) + Duration::minutes(5),
    )
    .await?;
    sweep_at(
        "sweep: the next 10 % warn",
        now - Duration::minutes(96) + Duration::minutes(53),
    )
    .await?;
    let all = now + Duration::minutes(6 * 60 + 24);
    sweep_at("sweep: the other 89 % warn and 80 % breach, at once", all).await?;
    sweep_at("sweep again: nothing left to fire", all).await?;
    Ok(())
}

/// The instant the demo clocks' alerts are reckoned from: before any of them.
fn opened_before(now: chrono::DateTime<Utc>, span: i64) -> chrono::DateTime<Utc> {
    now - Duration::milliseconds(span) - Duration::hours(1)
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let outcome = match args.command {
        Command::Queue {
            url,
            email,
            requests,
            concurrency,
        } => queue(&url, &email, requests, concurrency).await,
        Command::Sweep {
            database_url,
            tickets,
        } => sweep(&database_url, tickets).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kefu-sla-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
