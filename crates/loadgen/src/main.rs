//! `kefu-bench`: measures the queue view and ticket creation against a running server, beside
//! the `/healthz` baseline of the same run. Kept out of the `kefu` binary, so production does
//! not link the load generator.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;
use kefu_loadgen::Report;
use kefu_loadgen::bench::{BenchOptions, bench};

/// Measure a running Kefu server.
#[derive(Debug, Parser)]
#[command(name = "kefu-bench", version, about, long_about = None)]
struct Args {
    /// The server to measure.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// An agent or admin to sign in as.
    #[arg(long)]
    email: String,
    /// Read the password from the first line of standard input (required).
    #[arg(long)]
    password_stdin: bool,
    /// Requests per read scenario.
    #[arg(long, default_value_t = 2_000)]
    requests: usize,
    /// Concurrent clients for reads.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Tickets to create (0 to skip).
    #[arg(long, default_value_t = 5_000)]
    creates: usize,
    /// Concurrent clients creating tickets.
    #[arg(long, default_value_t = 32)]
    create_concurrency: usize,
    /// The server's process id: its peak memory (RssAnon, RSS) is read while the run lasts.
    #[arg(long)]
    server_pid: Option<u32>,
    /// The server's database URL: the queue page's statement is also run there directly
    /// (pgbench on PostgreSQL, in-process on SQLite) and the ratio printed.
    #[arg(long)]
    database_url: Option<String>,
    /// Messages to post on one ticket, comparing the first with the last (0 to skip).
    #[arg(long, default_value_t = 0)]
    messages: usize,
}

async fn run(args: Args) -> anyhow::Result<()> {
    if !args.password_stdin {
        bail!("pass --password-stdin and pipe the password in");
    }
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let options = BenchOptions {
        url: args.url,
        email: args.email,
        password: password.trim_end_matches(['\r', '\n']).to_owned(),
        requests: args.requests,
        concurrency: args.concurrency,
        creates: args.creates,
        create_concurrency: args.create_concurrency,
        server_pid: args.server_pid,
        database_url: args.database_url,
        messages: args.messages,
    };
    let results = bench(&options).await?;
    #[expect(clippy::print_stdout, reason = "the report is the program's output")]
    {
        println!("{}", Report::header());
        for report in &results.reports {
            println!("{}", report.line());
        }
        if let Some((what, http, database)) = results.database {
            println!(
                "queue page over HTTP: {http:.0} pages/s; its statement {what}: {database:.0}/s; ratio {:.0} %",
                100.0 * http / database.max(f64::EPSILON)
            );
        }
        if let Some(peak) = results.memory {
            println!(
                "server memory, peak: RssAnon {:.0} MiB, RSS {:.0} MiB",
                peak.rss_anon_kib as f64 / 1024.0,
                peak.rss_kib as f64 / 1024.0
            );
        }
    }
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
            eprintln!("kefu-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kefu-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
