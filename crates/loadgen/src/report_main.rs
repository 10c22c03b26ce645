//! `kefu-report-bench`: asks a running server (seeded with `kefu demo seed`) for reports — a
//! year of one team's tickets, a year of everyone's per agent, a month per team, and the CSV —
//! beside the `/healthz` baseline and the default queue page of the same run.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{Duration, Utc};
use clap::Parser;
use kefu_loadgen::{Client, PathOf, Report, measure, queue_baselines};

/// Measure reports on a running server.
#[derive(Debug, Parser)]
#[command(name = "kefu-report-bench", version, about, long_about = None)]
struct Args {
    /// The server to measure.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// An agent or admin to sign in as (password from standard input).
    #[arg(long)]
    email: String,
    /// Requests per scenario.
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 2)]
    concurrency: usize,
}

async fn run(args: Args) -> anyhow::Result<()> {
    let client = Client::login(
        &args.url,
        &args.email,
        &kefu_loadgen::password_from_stdin()?,
    )
    .await?;
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
    let today = Utc::now().date_naive();
    let year = format!("from={}&to={today}", today - Duration::days(365));
    let month = format!("from={}&to={today}", today - Duration::days(29));
    let probe: serde_json::Value = client
        .get_json(&format!(
            "/api/v1/reports?{year}&by=team&team_id={}",
            teams[0]
        ))
        .await?;
    println!(
        "one team's year: {} created, {} solved, {} ratings, {} open",
        probe["total"]["created"],
        probe["total"]["solved"],
        probe["total"]["ratings"],
        probe["total"]["backlog"]
    );
    println!("{}", Report::header());
    let warmup = (args.requests / 10).max(5);
    let mut scenarios = queue_baselines(&teams);
    scenarios.extend::<Vec<(&str, PathOf)>>(vec![
        ("report: a year, one team", {
            let (teams, year) = (teams.clone(), year.clone());
            Box::new(move |i| {
                format!(
                    "/api/v1/reports?{year}&by=team&team_id={}",
                    teams[i % teams.len()]
                )
            })
        }),
        ("report: a year, one team per agent", {
            let (teams, year) = (teams.clone(), year.clone());
            Box::new(move |i| {
                format!(
                    "/api/v1/reports?{year}&by=agent&team_id={}",
                    teams[i % teams.len()]
                )
            })
        }),
        ("report: a month, everyone per team", {
            let month = month.clone();
            Box::new(move |_| format!("/api/v1/reports?{month}&by=team"))
        }),
        ("report: a year, everyone per team", {
            let year = year.clone();
            Box::new(move |_| format!("/api/v1/reports?{year}&by=team"))
        }),
        ("report CSV: a year, one team", {
            let (teams, year) = (teams.clone(), year.clone());
            Box::new(move |i| {
                format!(
                    "/api/v1/reports.csv?{year}&by=team&team_id={}",
                    teams[i % teams.len()]
                )
            })
        }),
    ]);
    for (name, path) in scenarios {
        let cl = client.clone();
        let report = measure(name, warmup, args.requests, args.concurrency, move |i| {
            cl.get(&path(i))
        })
        .await?;
        println!("{}", report.line());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kefu-report-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
