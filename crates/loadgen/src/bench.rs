//! `kefu-bench`: the benchmark of the issues' figures, against a running server.
//!
//! It measures the queue view (unsolved tickets of one team, newest update first, 50 a page),
//! its next page, a filtered view (stage + status + assignee), searches for common words (alone
//! and with the queue's filters, newest first and by relevance), and ticket creation, beside the
//! baseline `GET /healthz` measured in the same run (the HTTP floor of this machine).

use std::sync::Arc;

use crate::memory::{MemoryPeak, MemoryWatch};
use crate::{Client, Report, measure, run};
use anyhow::bail;
use kefu_api_types::accounts::{TeamList, UserList};
use kefu_api_types::auth::MeResponse;
use kefu_api_types::tickets::TicketList;
use kefu_store::{Backend, Target};
use serde_json::json;

/// Requests sent unmeasured before each read scenario, to measure the steady state.
const WARMUP: usize = 200;
/// Searches sent unmeasured before each search scenario.
const SEARCH_WARMUP: usize = 50;

/// How hard to push.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// The server, e.g. `http://127.0.0.1:8080`.
    pub url: String,
    /// An agent or admin to sign in as.
    pub email: String,
    /// Their password.
    pub password: String,
    /// Requests per read scenario.
    pub requests: usize,
    /// Concurrent clients for reads.
    pub concurrency: usize,
    /// Tickets to create (0 skips creation).
    pub creates: usize,
    /// Concurrent clients creating tickets.
    pub create_concurrency: usize,
    /// The server's process id, to watch its memory.
    pub server_pid: Option<u32>,
    /// The server's database, to measure the queue statement there directly.
    pub database_url: Option<String>,
    /// Messages to post on one ticket, to compare the cost of a late message with an early one
    /// (0 skips it).
    pub messages: usize,
}

/// What a benchmark run measured.
#[derive(Debug, Default)]
pub struct BenchResults {
    /// One report per scenario, the baseline first.
    pub reports: Vec<Report>,
    /// The queue page over HTTP against its main statement in the database: (what, HTTP
    /// pages/s, database statements/s).
    pub database: Option<(String, f64, f64)>,
    /// The server's peak memory during the run.
    pub memory: Option<MemoryPeak>,
}

/// How long the database baseline and its HTTP twin each run.
const RATIO_SECONDS: u64 = 10;

/// Runs every scenario and returns their reports, baseline first, with the database baseline
/// and the server's peak memory when asked for.
pub async fn bench(options: &BenchOptions) -> anyhow::Result<BenchResults> {
    let watch = options.server_pid.map(MemoryWatch::start);
    let client = Client::login(&options.url, &options.email, &options.password).await?;
    let teams: TeamList = client.get_json("/api/v1/teams").await?;
    let agents: UserList = client
        .get_json("/api/v1/users?role=agent&active=true&limit=200")
        .await?;
    if teams.items.is_empty() || agents.items.is_empty() {
        bail!("seed data first: kefu demo seed --tickets 1000000");
    }
    let team_ids: Arc<Vec<String>> =
        Arc::new(teams.items.iter().map(|t| t.id.to_string()).collect());
    let agent_ids: Arc<Vec<String>> =
        Arc::new(agents.items.iter().map(|a| a.id.to_string()).collect());
    let mut second_pages = Vec::new();
    for team in team_ids.iter() {
        let page: TicketList = client
            .get_json(&format!(
                "/api/v1/tickets?team={team}&status=unsolved&limit=50"
            ))
            .await?;
        if let Some(cursor) = page.next_cursor {
            second_pages.push(format!(
                "/api/v1/tickets?team={team}&status=unsolved&limit=50&cursor={cursor}"
            ));
        }
    }
    let second_pages = Arc::new(second_pages);
    let (n, c) = (options.requests, options.concurrency);
    let mut reports = Vec::new();

    let cl = client.clone();
    reports.push(
        measure("baseline: GET /healthz", WARMUP, n, c, move |_| {
            cl.get("/healthz")
        })
        .await?,
    );

    let (cl, teams) = (client.clone(), Arc::clone(&team_ids));
    reports.push(
        measure("queue: team unsolved, page 1", WARMUP, n, c, move |i| {
            cl.get(&format!(
                "/api/v1/tickets?team={}&status=unsolved&limit=50",
                teams[i % teams.len()]
            ))
        })
        .await?,
    );

    if !second_pages.is_empty() {
        let (cl, pages) = (client.clone(), Arc::clone(&second_pages));
        reports.push(
            measure("queue: team unsolved, page 2", WARMUP, n, c, move |i| {
                cl.get(&pages[i % pages.len()])
            })
            .await?,
        );
    }

    let database = match &options.database_url {
        Some(url) => Some(queue_against_database(&client, url, &team_ids[0], c).await?),
        None => None,
    };

    let (cl, agents) = (client.clone(), Arc::clone(&agent_ids));
    let stages = ["pre_sale", "in_sale", "after_sale"];
    reports.push(
        measure("filtered: stage+status+assignee", WARMUP, n, c, move |i| {
            cl.get(&format!(
                "/api/v1/tickets?stage={}&status=open&assignee={}&limit=50",
                stages[i % stages.len()],
                agents[i % agents.len()]
            ))
        })
        .await?,
    );

    // Common words of the demo data, English and Chinese, alone and with the team queue's
    // filters, newest first and by relevance.
    let words: Arc<Vec<&str>> = Arc::new(vec!["退货", "refund", "warranty", "发票", "order"]);
    let searches: [(&str, &str); 4] = [
        ("search: q, newest first", "sort=created"),
        ("search: q, best match", "sort=relevance"),
        (
            "search: q + team unsolved, newest update",
            "status=unsolved&team={team}",
        ),
        (
            "search: q + team unsolved, best match",
            "status=unsolved&team={team}&sort=relevance",
        ),
    ];
    for (name, query) in searches {
        let (cl, words, teams) = (client.clone(), Arc::clone(&words), Arc::clone(&team_ids));
        reports.push(
            measure(name, SEARCH_WARMUP, n.min(1000), c, move |i| {
                let query = query.replace("{team}", &teams[i % teams.len()]);
                cl.get(&format!(
                    "/api/v1/tickets?q={}&limit=50&{query}",
                    words[i % words.len()]
                ))
            })
            .await?,
        );
    }

    if options.creates > 0 {
        let (cl, teams) = (client.clone(), Arc::clone(&team_ids));
        let run_id = rand::random::<u32>();
        reports.push(
            run(
                "create: POST /tickets",
                options.creates,
                options.create_concurrency,
                move |i| {
                    let channel = ["email", "chat", "web", "api"][i % 4];
                    cl.post(
                        "/api/v1/tickets",
                        &json!({
                            "subject": format!("Benchmark ticket {i}: 订单 {i} 付款失败"),
                            "channel": channel,
                            "stage": "in_sale",
                            "team_id": teams[i % teams.len()],
                            "requester": {
                                "name": format!("Bench Customer {}", i % 1000),
                                "email": format!("bench-{run_id:x}-{}@example.com", i % 1000),
                            },
                            "message": { "body": "Payment failed twice with my card. 请帮忙查看。" },
                        }),
                    )
                },
            )
            .await?,
        );
    }
    if options.messages > 0 {
        reports.extend(message_cost(&client, options.messages).await?);
    }
    let memory = match watch {
        Some(watch) => Some(watch.stop().await),
        None => None,
    };
    Ok(BenchResults {
        reports,
        database,
        memory,
    })
}

/// The queue page of one team over HTTP beside its statement (the page's tickets with their
/// names) run by the database itself (pgbench on PostgreSQL, the store in-process on SQLite),
/// each for the same time with the same number of clients.
async fn queue_against_database(
    client: &Client,
    url: &str,
    team: &str,
    clients: usize,
) -> anyhow::Result<(String, f64, f64)> {
    let me: MeResponse = client.get_json("/api/v1/me").await?;
    let backend = Target::parse(url)?.backend();
    let statement = kefu_store::dialect::team_queue_text(backend, team, me.user.id);
    let duration = std::time::Duration::from_secs(RATIO_SECONDS);
    let (what, database) = match backend {
        Backend::Postgres => (
            "pgbench",
            crate::database::pgbench(url, &statement, clients, RATIO_SECONDS)?,
        ),
        Backend::Sqlite => (
            "in-process",
            crate::database::in_process(url, &statement, clients, duration).await?,
        ),
    };
    let path = format!("/api/v1/tickets?team={team}&status=unsolved&limit=50");
    let cl = client.clone();
    let http = crate::for_duration(duration, clients, move |_| cl.get(&path)).await?;
    Ok((what.to_owned(), http, database))
}

/// Messages posted on each ticket, alternating, once the long one holds its `count`.
const COMPARED_MESSAGES: usize = 50;

/// Whether a message costs more on a long ticket: builds one ticket to `count` messages, then
/// posts [`COMPARED_MESSAGES`] more on it alternating with as many on a new ticket (its
/// messages 6 onwards), so both are measured in the same minute, and reports the two.
async fn message_cost(client: &Client, count: usize) -> anyhow::Result<Vec<Report>> {
    let long = new_conversation(client).await?;
    let short = new_conversation(client).await?;
    for i in 0..count {
        post_line(client, &long, i).await?;
    }
    for i in 0..5 {
        post_line(client, &short, i).await?;
    }
    let (mut on_long, mut on_short) = (Vec::new(), Vec::new());
    for i in 0..COMPARED_MESSAGES {
        on_long.push(post_line(client, &long, count + i).await?);
        on_short.push(post_line(client, &short, 5 + i).await?);
    }
    Ok(vec![
        crate::report_of(
            &format!("post: messages 6-{} of a new ticket", 5 + COMPARED_MESSAGES),
            &on_short,
        )?,
        crate::report_of(
            &format!(
                "post: messages {}-{} of one ticket",
                count + 1,
                count + COMPARED_MESSAGES
            ),
            &on_long,
        )?,
    ])
}

/// Opens a chat ticket for the message benchmark and returns its id.
async fn new_conversation(client: &Client) -> anyhow::Result<String> {
    let created: serde_json::Value = client
        .post(
            "/api/v1/tickets",
            &json!({
                "subject": "Benchmark: a very long conversation 很长的对话",
                "channel": "chat",
                "requester": {"email": format!("long-{:x}@example.com", rand::random::<u32>())},
            }),
        )
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    match created["id"].as_str() {
        Some(id) => Ok(id.to_owned()),
        None => bail!("the benchmark ticket was not created: {created}"),
    }
}

/// Posts line `i` on ticket `id` (every fifth an internal note) and returns how long it took.
async fn post_line(client: &Client, id: &str, i: usize) -> anyhow::Result<std::time::Duration> {
    let started = std::time::Instant::now();
    client
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &json!({
                "body": format!("Line {i}: the parcel 包裹 {i} is still not here, order {}", i * 7),
                "visibility": if i.is_multiple_of(5) { "internal" } else { "public" },
            }),
        )
        .send()
        .await?
        .error_for_status()?;
    Ok(started.elapsed())
}
