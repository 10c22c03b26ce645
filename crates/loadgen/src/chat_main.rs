//! `kefu-chat-bench`: measures the chat gateway beside a bare tokio-tungstenite relay (same
//! crate versions) in the same run: persisted visitor→agent lines per second, latency at a
//! fixed rate, idle sockets held, and a queue update fanned out to many agents.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use kefu_loadgen::chat::relay;
use kefu_loadgen::chat::scenarios::{self, Target};
use kefu_loadgen::memory;

#[derive(Debug, Parser)]
#[command(name = "kefu-chat-bench", version, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the bare relay (the baseline) until stopped.
    Relay {
        #[arg(long, default_value = "127.0.0.1:9181")]
        bind: String,
    },
    /// Closed loop: every visitor writes, waits for the acknowledgement, writes again.
    Throughput {
        #[command(flatten)]
        target: TargetArgs,
        #[arg(long, default_value_t = 200)]
        visitors: usize,
        #[arg(long, default_value_t = 10)]
        agents: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Open loop: lines at a fixed rate over all visitors; latency percentiles.
    Latency {
        #[command(flatten)]
        target: TargetArgs,
        #[arg(long, default_value_t = 200)]
        visitors: usize,
        #[arg(long, default_value_t = 10)]
        agents: usize,
        /// Lines per second, in all.
        #[arg(long, default_value_t = 1_000)]
        rate: u64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Hold idle visitor sockets (after `hello`) and report the server's memory.
    Idle {
        #[command(flatten)]
        target: TargetArgs,
        #[arg(long, default_value_t = 7_500)]
        connections: usize,
        /// Where this process's visitors start counting (run two processes side by side).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// How long to hold them, in seconds.
        #[arg(long, default_value_t = 20)]
        hold: u64,
    },
    /// A queue update pushed to many agent sockets.
    Fanout {
        #[command(flatten)]
        target: TargetArgs,
        #[arg(long, default_value_t = 10_000)]
        sockets: usize,
        #[arg(long, default_value_t = 100)]
        agents: usize,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
}

#[derive(Debug, clap::Args)]
struct TargetArgs {
    /// The gateway's address (`ws://127.0.0.1:8081`), or the relay's with `--relay`.
    #[arg(long)]
    url: String,
    /// Measure the bare relay at `--url` instead of the gateway.
    #[arg(long)]
    relay: bool,
    /// The gateway's database (fixtures and tokens are written there).
    #[arg(long, default_value = "")]
    database_url: String,
    /// Loopback source addresses to spread sockets over (127.0.0.2 onwards).
    #[arg(long, default_value_t = 1)]
    sources: usize,
    /// The server's process id, for its memory.
    #[arg(long)]
    server_pid: Option<u32>,
}

impl TargetArgs {
    fn target(&self) -> Target {
        if self.relay {
            Target::Relay {
                url: self.url.clone(),
            }
        } else {
            Target::Gateway {
                url: self.url.clone(),
                database: self.database_url.clone(),
            }
        }
    }

    fn name(&self) -> &'static str {
        if self.relay { "relay" } else { "gateway" }
    }
}

fn percentiles(h: &hdrhistogram::Histogram<u64>) -> String {
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    format!(
        "n={} p50={:.2} ms p95={:.2} ms p99={:.2} ms max={:.2} ms",
        h.len(),
        ms(0.5),
        ms(0.95),
        ms(0.99),
        h.max() as f64 / 1000.0
    )
}

fn memory_line(pid: Option<u32>) -> String {
    pid.and_then(memory::read).map_or_else(String::new, |m| {
        format!(
            " server RSS {:.1} MiB (RssAnon {:.1} MiB)",
            m.rss_kib as f64 / 1024.0,
            m.rss_anon_kib as f64 / 1024.0
        )
    })
}

#[expect(clippy::print_stdout, reason = "the report is the program's output")]
async fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Relay { bind } => {
            let listener = tokio::net::TcpListener::bind(&bind).await?;
            println!("relay listening on ws://{}", listener.local_addr()?);
            relay::serve(listener).await?;
        }
        Command::Throughput {
            target,
            visitors,
            agents,
            seconds,
        } => {
            let pairs =
                scenarios::pairs(&target.target(), visitors, agents, target.sources).await?;
            let (rate, delivery) =
                scenarios::throughput(pairs, Duration::from_secs(seconds)).await?;
            let latency = delivery.latency.lock().await;
            println!(
                "{} throughput: {rate:.0} lines/s delivered ({visitors} visitors, {agents} agents, {seconds} s); latency {}{}",
                target.name(),
                percentiles(&latency),
                memory_line(target.server_pid)
            );
        }
        Command::Latency {
            target,
            visitors,
            agents,
            rate,
            seconds,
        } => {
            let pairs =
                scenarios::pairs(&target.target(), visitors, agents, target.sources).await?;
            let delivery = scenarios::at_rate(pairs, rate, Duration::from_secs(seconds)).await?;
            let latency = delivery.latency.lock().await;
            println!(
                "{} at {rate} lines/s: {}{}",
                target.name(),
                percentiles(&latency),
                memory_line(target.server_pid)
            );
        }
        Command::Idle {
            target,
            connections,
            offset,
            hold,
        } => {
            let before = target.server_pid.and_then(memory::read);
            let held =
                scenarios::idle(&target.target(), connections, target.sources, offset).await?;
            println!(
                "{} holds {} idle sockets from this process",
                target.name(),
                held.len()
            );
            tokio::time::sleep(Duration::from_secs(hold)).await;
            let base = before.map_or_else(String::new, |m| {
                format!(" (before: RSS {:.1} MiB)", m.rss_kib as f64 / 1024.0)
            });
            println!("{}:{}{base}", target.name(), memory_line(target.server_pid));
            drop(held);
        }
        Command::Fanout {
            target,
            sockets,
            agents,
            rounds,
        } => {
            let histogram = scenarios::fanout(
                &target.url,
                &target.database_url,
                sockets,
                agents,
                target.sources,
                rounds,
            )
            .await?;
            println!(
                "queue update to {sockets} agent sockets: {}{}",
                percentiles(&histogram),
                memory_line(target.server_pid)
            );
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kefu-chat-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
