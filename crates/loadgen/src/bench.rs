//! `kefu-bench`: the benchmark of the issues' figures, against a running server.
//!
//! It measures the queue view (unsolved tickets of one team, newest update first, 50 a page),
//! its next page, a filtered view (stage + status + assignee), and ticket creation, beside the
//! baseline `GET /healthz` measured in the same run (the HTTP floor of this machine).

use std::sync::Arc;

use crate::{Client, Report, measure, run};
use anyhow::bail;
use kefu_api_types::accounts::{TeamList, UserList};
use kefu_api_types::tickets::TicketList;
use serde_json::json;

/// Requests sent unmeasured before each read scenario, to measure the steady state.
const WARMUP: usize = 200;

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
}

/// Runs every scenario and returns their reports, baseline first.
pub async fn bench(options: &BenchOptions) -> anyhow::Result<Vec<Report>> {
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

    let cl = client.clone();
    let words = ["退货", "refund", "warranty", "发票", "order"];
    reports.push(
        run("search: q, newest first", n.min(500), c, move |i| {
            cl.get(&format!(
                "/api/v1/tickets?q={}&limit=50",
                words[i % words.len()]
            ))
        })
        .await?,
    );

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
    Ok(reports)
}
