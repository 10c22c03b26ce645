//! Load generators for Kefu's benchmarks: many concurrent HTTP requests against a running
//! server, with latency percentiles, and the baseline (`/healthz`, the HTTP floor) measured in
//! the same run so that figures from different machines can be compared.

pub mod bench;
pub mod chat;
pub mod database;
pub mod memory;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::future::join_all;
use hdrhistogram::Histogram;
use kefu_api_types::auth::{LoginRequest, LoginResponse};
use tokio::sync::Mutex;

/// An authenticated HTTP client for one Kefu server.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    /// Signs in and keeps the bearer token.
    pub async fn login(base: &str, email: &str, password: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(30))
            .build()?;
        let base = base.trim_end_matches('/').to_owned();
        let response = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&LoginRequest {
                email: email.into(),
                password: password.into(),
                token: true,
            })
            .send()
            .await
            .with_context(|| format!("reaching {base}"))?;
        if !response.status().is_success() {
            bail!(
                "signing in failed: {}",
                response.text().await.unwrap_or_default()
            );
        }
        let login: LoginResponse = response.json().await?;
        let Some(token) = login.token else {
            bail!("the server did not return a bearer token");
        };
        Ok(Self { http, base, token })
    }

    /// A GET request to `path` with the bearer token.
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// A POST request to `path` with the bearer token and a JSON body.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
    }

    /// PUTs `body` at `path` and decodes the JSON answer.
    pub async fn put_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<serde_json::Value> {
        let response = self
            .http
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?;
        if !response.status().is_success() {
            bail!(
                "PUT {path}: {}: {}",
                response.status(),
                response.text().await.unwrap_or_default()
            );
        }
        Ok(response.json().await?)
    }

    /// GETs `path` and decodes the JSON answer.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let response = self.get(path).send().await?;
        if !response.status().is_success() {
            bail!("GET {path}: {}", response.status());
        }
        Ok(response.json().await?)
    }
}

/// The path of a scenario's i-th request.
pub type PathOf = Box<dyn Fn(usize) -> String + Send + Sync>;

/// The two baselines of the queue benchmarks, measured in the same run: `/healthz` (the HTTP
/// floor) and the queue's default page, rotating over `teams`.
pub fn queue_baselines(teams: &[String]) -> Vec<(&'static str, PathOf)> {
    let teams = teams.to_vec();
    vec![
        (
            "baseline: GET /healthz",
            Box::new(|_| "/healthz".to_owned()),
        ),
        (
            "baseline: queue page, newest update",
            Box::new(move |i| {
                format!(
                    "/api/v1/tickets?team={}&status=unsolved&limit=50",
                    teams[i % teams.len()]
                )
            }),
        ),
    ]
}

/// Latency and throughput of one scenario.
#[derive(Clone, Debug)]
pub struct Report {
    /// The scenario's name.
    pub name: String,
    /// Requests answered with a success status.
    pub ok: u64,
    /// Requests that failed or answered an error status.
    pub errors: u64,
    /// Wall time of the whole scenario.
    pub elapsed: Duration,
    /// Latency percentiles in milliseconds: p50, p90, p99, max.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest request.
    pub max_ms: f64,
}

impl Report {
    /// Successful requests per second.
    pub fn throughput(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// One line of the results table.
    pub fn line(&self) -> String {
        format!(
            "{:<34} {:>7} {:>6} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            self.name,
            self.ok,
            self.errors,
            self.throughput(),
            self.p50_ms,
            self.p90_ms,
            self.p99_ms,
            self.max_ms
        )
    }

    /// The header of the results table.
    pub fn header() -> String {
        format!(
            "{:<34} {:>7} {:>6} {:>9} {:>8} {:>8} {:>8} {:>8}",
            "scenario", "ok", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"
        )
    }
}

/// Sends `warmup` requests unmeasured (to fill caches and connection pools), then measures
/// `total` more, `concurrency` at a time; `request(i)` builds the i-th.
pub async fn measure<F>(
    name: &str,
    warmup: usize,
    total: usize,
    concurrency: usize,
    request: F,
) -> anyhow::Result<Report>
where
    F: Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let request = Arc::new(request);
    if warmup > 0 {
        let warm = Arc::clone(&request);
        run(name, warmup, concurrency, move |i| warm(i)).await?;
    }
    run(name, total, concurrency, move |i| request(i)).await
}

/// Sends `total` requests, `concurrency` at a time; `request(i)` builds the i-th.
pub async fn run<F>(
    name: &str,
    total: usize,
    concurrency: usize,
    request: F,
) -> anyhow::Result<Report>
where
    F: Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let histogram = Arc::new(Mutex::new(Histogram::<u64>::new_with_bounds(
        1, 60_000_000, 3,
    )?));
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let request = Arc::new(request);
    let started = Instant::now();
    let workers = (0..concurrency.max(1)).map(|_| {
        let (histogram, next, errors, request) = (
            Arc::clone(&histogram),
            Arc::clone(&next),
            Arc::clone(&errors),
            Arc::clone(&request),
        );
        tokio::spawn(async move {
            let mut local = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let sent = Instant::now();
                let outcome = request(i).send().await;
                let ok = match outcome {
                    Ok(response) => {
                        let success = response.status().is_success();
                        // Read the whole body: latency includes the transfer.
                        let body = response.bytes().await;
                        success && body.is_ok()
                    }
                    Err(_) => false,
                };
                if ok {
                    local.push(sent.elapsed().as_micros() as u64);
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            let mut h = histogram.lock().await;
            for micros in local {
                h.saturating_record(micros.max(1));
            }
        })
    });
    for joined in join_all(workers).await {
        joined?;
    }
    let elapsed = started.elapsed();
    let h = histogram.lock().await;
    let ms = |micros: u64| micros as f64 / 1000.0;
    Ok(Report {
        name: name.into(),
        ok: h.len(),
        errors: errors.load(Ordering::Relaxed) as u64,
        elapsed,
        p50_ms: ms(h.value_at_quantile(0.50)),
        p90_ms: ms(h.value_at_quantile(0.90)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        max_ms: ms(h.max()),
    })
}

/// Requests per second `concurrency` clients reach for `duration`, sending `request(i)`.
pub async fn for_duration<F>(
    duration: Duration,
    concurrency: usize,
    request: F,
) -> anyhow::Result<f64>
where
    F: Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let request = Arc::new(request);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers = (0..concurrency.max(1)).map(|_| {
        let (request, next) = (Arc::clone(&request), Arc::clone(&next));
        async move {
            let mut ok = 0u64;
            while started.elapsed() < duration {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let response = request(i).send().await?;
                if response.status().is_success() {
                    ok += 1;
                }
                response.bytes().await?;
            }
            Ok::<_, reqwest::Error>(ok)
        }
    });
    let mut ok = 0;
    for done in join_all(workers).await {
        ok += done?;
    }
    Ok(ok as f64 / started.elapsed().as_secs_f64())
}

/// A report of latencies measured one at a time.
pub fn report_of(name: &str, latencies: &[Duration]) -> anyhow::Result<Report> {
    let mut histogram = Histogram::<u64>::new(3)?;
    for latency in latencies {
        histogram.record(latency.as_micros().max(1) as u64)?;
    }
    let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
    Ok(Report {
        name: name.to_owned(),
        ok: latencies.len() as u64,
        errors: 0,
        elapsed: latencies.iter().sum(),
        p50_ms: ms(0.5),
        p90_ms: ms(0.9),
        p99_ms: ms(0.99),
        max_ms: histogram.max() as f64 / 1000.0,
    })
}

/// The password on the first line of standard input (`--password-stdin`).
pub fn password_from_stdin() -> anyhow::Result<String> {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| anyhow::anyhow!("reading the password from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
