//! The database's own speed for the queue page's main statement, measured beside the HTTP
//! figures: `pgbench` on PostgreSQL, the same statement through the store in-process on SQLite.

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::future::join_all;
use kefu_store::{Store, StoreConfig, dialect};

/// Statements per second `pgbench` reaches with `clients` running `statement` for `seconds`.
pub fn pgbench(url: &str, statement: &str, clients: usize, seconds: u64) -> anyhow::Result<f64> {
    let mut script = tempfile_script()?;
    writeln!(script.1, "{statement};")?;
    let pgbench = ["/usr/lib/postgresql/15/bin/pgbench", "pgbench"]
        .into_iter()
        .find(|p| Command::new(p).arg("--version").output().is_ok())
        .context("pgbench is not installed")?;
    let output = Command::new(pgbench)
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
        ])
        .args(["-T", &seconds.to_string(), "-f"])
        .arg(&script.0)
        .arg(url)
        .output()
        .context("running pgbench")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let tps = text
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .with_context(|| format!("no tps in pgbench's output: {text}"))?;
    if let Err(error) = std::fs::remove_file(&script.0) {
        eprintln!("could not remove {}: {error}", script.0.display());
    }
    Ok(tps)
}

fn tempfile_script() -> anyhow::Result<(std::path::PathBuf, std::fs::File)> {
    let path = std::env::temp_dir().join(format!("kefu-bench-{}.sql", std::process::id()));
    let file = std::fs::File::create(&path).context("writing the pgbench script")?;
    Ok((path, file))
}

/// Statements per second the store reaches running `statement` in-process with `clients` at
/// once for `duration` (SQLite, where there is no pgbench).
pub async fn in_process(
    url: &str,
    statement: &str,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let store = Store::open(&StoreConfig {
        url: url.to_owned(),
        pool_size: clients as u32,
        ..StoreConfig::default()
    })
    .await
    .with_context(|| format!("opening {url}"))?;
    let started = Instant::now();
    let workers = (0..clients).map(|_| {
        let store = store.clone();
        let statement = statement.to_owned();
        async move {
            let mut done = 0u64;
            while started.elapsed() < duration {
                let s = statement.clone();
                store
                    .read(move |conn| {
                        dialect::run_ticket_statement(conn, &s).map(|rows| rows.len())
                    })
                    .await?;
                done += 1;
            }
            Ok::<_, kefu_store::StoreError>(done)
        }
    });
    let mut total = 0;
    for done in join_all(workers).await {
        total += done?;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}
