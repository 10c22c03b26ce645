//! The console's built-in queue views with capped counts.
//!
//! Counts stop at [`COUNT_CAP`], so each is a bounded index walk rather than a `COUNT(*)` over
//! a million tickets, and all of them are one statement; the console shows the cap as "999+".

use chrono::Duration;
use kefu_api_types::tickets::{ViewCount, ViewCounts};
use kefu_domain::ids::{TeamId, UserId};
use kefu_domain::permissions::Actor;
use kefu_domain::ticket::{Stage, Status};
use kefu_domain::time;
use kefu_store::tickets::{AssigneeFilter, TeamFilter, TicketFilter};
use kefu_store::{teams, view_counts};

use crate::App;
use crate::error::AppError;

/// Counts stop here.
pub const COUNT_CAP: i64 = 1000;

/// How far back "solved recently" looks.
const RECENTLY_DAYS: i64 = 7;

/// One view: its key, its team's name, its query string, and its store filter.
struct View {
    key: String,
    name: Option<String>,
    query: String,
    filter: TicketFilter,
}

fn unsolved() -> Vec<Status> {
    Status::UNSOLVED.to_vec()
}

/// The built-in views for an agent, in the order the console lists them.
fn views(actor: UserId, all_teams: Vec<(TeamId, String)>) -> Vec<View> {
    let mut views = vec![
        View {
            key: "mine".into(),
            name: None,
            query: "status=unsolved&assignee=me".into(),
            filter: TicketFilter {
                statuses: unsolved(),
                assignee: Some(AssigneeFilter::User(actor)),
                ..TicketFilter::default()
            },
        },
        View {
            key: "unassigned".into(),
            name: None,
            query: "status=unsolved&assignee=unassigned".into(),
            filter: TicketFilter {
                statuses: unsolved(),
                assignee: Some(AssigneeFilter::Unassigned),
                ..TicketFilter::default()
            },
        },
    ];
    for (id, name) in all_teams {
        views.push(View {
            query: format!("status=unsolved&team={id}"),
            key: format!("team:{id}"),
            name: Some(name),
            filter: TicketFilter {
                statuses: unsolved(),
                team: Some(TeamFilter::Team(id)),
                ..TicketFilter::default()
            },
        });
    }
    for stage in Stage::ALL {
        views.push(View {
            key: format!("stage:{stage}"),
            name: None,
            query: format!("status=unsolved&stage={stage}"),
            filter: TicketFilter {
                statuses: unsolved(),
                stages: vec![*stage],
                ..TicketFilter::default()
            },
        });
    }
    for status in [Status::Pending, Status::OnHold] {
        views.push(View {
            key: status.to_string(),
            name: None,
            query: format!("status={status}"),
            filter: TicketFilter {
                statuses: vec![status],
                ..TicketFilter::default()
            },
        });
    }
    let since = time::now() - Duration::days(RECENTLY_DAYS);
    views.push(View {
        key: "solved_recently".into(),
        name: None,
        query: format!(
            "status=solved&updated_since={}",
            since.format("%Y-%m-%dT%H:%M:%SZ")
        ),
        filter: TicketFilter {
            statuses: vec![Status::Solved],
            updated_since: Some(since),
            ..TicketFilter::default()
        },
    });
    views
}

/// The built-in queue views for `actor` with how many tickets each holds (up to the cap).
pub async fn counts(app: &App, actor: Actor) -> Result<ViewCounts, AppError> {
    actor.may_work_tickets()?;
    let user = actor.user;
    let items = app
        .store
        .read(move |conn| {
            let all_teams = teams::list(conn)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect();
            let views = views(user, all_teams);
            let filters: Vec<TicketFilter> = views.iter().map(|v| v.filter.clone()).collect();
            let counts = view_counts::count_each_capped(conn, &filters, COUNT_CAP)?;
            let items: Vec<ViewCount> = views
                .into_iter()
                .zip(counts)
                .map(|(view, count)| ViewCount {
                    view: view.key,
                    name: view.name,
                    query: view.query,
                    count,
                })
                .collect();
            Ok::<_, AppError>(items)
        })
        .await?;
    Ok(ViewCounts {
        items,
        cap: COUNT_CAP,
    })
}
