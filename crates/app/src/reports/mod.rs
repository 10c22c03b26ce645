//! Reports for staff: what the database's per-day summary sums to for a period
//! (`kefu_store::reports`), put into rows with names, per-day series with every day present,
//! and CSV; and the fold that keeps the summary compact.

pub mod csv;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kefu_api_types::reports::{Report, ReportDay, ReportQuery, ReportRow, VendorTurnaround};
use kefu_domain::ids::{TeamId, UserId, VendorId};
use kefu_domain::locale::Locale;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::reports::{self, Backlog, GroupBy, Scope, Totals};
use kefu_store::{DbConnection, teams, users};

use crate::App;
use crate::error::AppError;

/// The longest period one report covers, in days.
pub const MAX_DAYS: i64 = 366;
/// The period when none is asked for, in days.
pub const DEFAULT_DAYS: i64 = 30;

fn group_of(by: Option<&str>) -> Result<(GroupBy, &'static str), AppError> {
    Ok(match by.unwrap_or("team") {
        "team" => (GroupBy::Team, "team"),
        "agent" => (GroupBy::Agent, "agent"),
        "stage" => (GroupBy::Stage, "stage"),
        "channel" => (GroupBy::Channel, "channel"),
        other => {
            return Err(AppError::InvalidQuery(format!(
                "`by` is team, agent, stage or channel, not `{other}`"
            )));
        }
    })
}

/// The period asked for: `to` defaults to today, `from` to 30 days earlier.
fn period(query: &ReportQuery) -> Result<(NaiveDate, NaiveDate), AppError> {
    let to = query.to.unwrap_or_else(|| Utc::now().date_naive());
    let from = query.from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    if from > to {
        return Err(AppError::InvalidQuery("`from` is after `to`".into()));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(AppError::InvalidQuery(format!(
            "a report covers at most {MAX_DAYS} days"
        )));
    }
    Ok((from, to))
}

fn rounded(value: Option<f64>, scale: f64) -> Option<f64> {
    value.map(|v| (v * scale * 10.0).round() / 10.0)
}

/// `part / whole`, when there is a whole.
fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Each group's totals for the period and its backlog now.
struct Figures {
    totals: HashMap<Option<String>, Totals>,
    backlog: HashMap<Option<String>, Backlog>,
    now: DateTime<Utc>,
}

impl Figures {
    fn read(conn: &mut DbConnection, scope: &Scope) -> Result<Self, AppError> {
        let now = time::now();
        Ok(Self {
            totals: reports::totals(conn, scope)?
                .into_iter()
                .map(|t| (t.key.clone(), t))
                .collect(),
            backlog: reports::backlog(conn, scope, now)?
                .into_iter()
                .map(|b| (b.key.clone(), b))
                .collect(),
            now,
        })
    }

    fn keys(&self) -> Vec<Option<String>> {
        let mut keys: Vec<Option<String>> = self
            .totals
            .keys()
            .chain(self.backlog.keys())
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    fn row(&self, key: Option<String>, label: String) -> ReportRow {
        let t = self.totals.get(&key).cloned().unwrap_or_default();
        let b = self.backlog.get(&key).cloned().unwrap_or_default();
        let average = |sum: i64, n: i64| share(sum, n);
        ReportRow {
            key: key.clone().filter(|k| k != "all"),
            label,
            created: t.created,
            solved: t.solved,
            first_response_minutes: rounded(average(t.response_ms, t.responded), 1.0 / 60_000.0),
            resolution_hours: rounded(average(t.resolution_ms, t.solved), 1.0 / 3_600_000.0),
            sla_tickets: t.sla_tickets,
            sla_met_percent: rounded(share(t.sla_tickets - t.sla_breached, t.sla_tickets), 100.0),
            backlog: b.unsolved,
            backlog_age_days: rounded(b.average_age_seconds(self.now), 1.0 / 86_400.0),
            backlog_over_week_percent: rounded(share(b.over_week, b.unsolved), 100.0),
            ratings: t.ratings,
            rating_average: rounded(average(t.rating_points, t.ratings), 1.0),
            csat_percent: rounded(share(t.satisfied, t.ratings), 100.0),
            expectation_gap: share(t.expectation_points, t.expectations)
                .map(|g| (g * 100.0).round() / 100.0),
        }
    }
}

/// What the console calls a group: a team's or agent's name, a stage or channel in the
/// reader's language.
fn labels(
    conn: &mut DbConnection,
    by: GroupBy,
    keys: &[Option<String>],
    locale: Locale,
) -> Result<HashMap<Option<String>, String>, AppError> {
    let none = match (by, locale) {
        (GroupBy::Team, Locale::En) => "No team",
        (GroupBy::Team, Locale::ZhCn) => "无团队",
        (GroupBy::Agent, Locale::En) => "Unassigned",
        (GroupBy::Agent, Locale::ZhCn) => "未分配",
        _ => "—",
    };
    let mut out = HashMap::new();
    match by {
        GroupBy::Team => {
            let ids: Vec<TeamId> = keys
                .iter()
                .flatten()
                .filter_map(|k| k.parse().ok())
                .collect();
            let names = teams::names(conn, &ids)?;
            for key in keys {
                let name = key
                    .as_deref()
                    .and_then(|k| k.parse::<TeamId>().ok())
                    .and_then(|id| names.get(&id).cloned());
                out.insert(key.clone(), name.unwrap_or_else(|| none.to_owned()));
            }
        }
        GroupBy::Agent => {
            let ids: Vec<UserId> = keys
                .iter()
                .flatten()
                .filter_map(|k| k.parse().ok())
                .collect();
            let names = users::names(conn, &ids)?;
            for key in keys {
                let name = key
                    .as_deref()
                    .and_then(|k| k.parse::<UserId>().ok())
                    .and_then(|id| names.get(&id).cloned());
                out.insert(key.clone(), name.unwrap_or_else(|| none.to_owned()));
            }
        }
        GroupBy::Stage | GroupBy::Channel | GroupBy::Day | GroupBy::All => {
            for key in keys {
                out.insert(key.clone(), key.clone().unwrap_or_else(|| none.to_owned()));
            }
        }
    }
    Ok(out)
}

/// The report staff asked for (agents and admins).
pub async fn report(app: &App, actor: Actor, query: ReportQuery) -> Result<Report, AppError> {
    actor.may_work_tickets()?;
    let (by, by_name) = group_of(query.by.as_deref())?;
    let (from, to) = period(&query)?;
    let team = query
        .team_id
        .as_deref()
        .map(|t| {
            t.parse::<TeamId>()
                .map_err(|_| AppError::InvalidQuery("`team_id` is not a team id".into()))
        })
        .transpose()?;
    app.store
        .read(move |conn| {
            // Names for "no team", "unassigned" and the total, in the reader's language.
            let locale = users::find(conn, actor.user)?
                .locale
                .as_deref()
                .and_then(|tag| Locale::parse(tag).ok())
                .unwrap_or(Locale::En);
            if let Some(team) = team {
                teams::find(conn, team).map_err(AppError::not_found_as("team"))?;
            }
            let scope = Scope {
                from,
                to,
                team: team.map(|t| t.to_string()),
                by,
            };
            let figures = Figures::read(conn, &scope)?;
            let keys = figures.keys();
            let names = labels(conn, by, &keys, locale)?;
            let mut rows: Vec<ReportRow> = keys
                .iter()
                .map(|k| figures.row(k.clone(), names.get(k).cloned().unwrap_or_default()))
                .collect();
            rows.sort_by(|a, b| {
                (b.created + b.backlog)
                    .cmp(&(a.created + a.backlog))
                    .then(a.label.cmp(&b.label))
            });
            // One team by team is its own total; otherwise everything is summed once more.
            let total = if team.is_some() && by == GroupBy::Team && rows.len() <= 1 {
                rows.first().cloned().unwrap_or_default()
            } else {
                let all = Figures::read(
                    conn,
                    &Scope {
                        by: GroupBy::All,
                        ..scope.clone()
                    },
                )?;
                all.row(Some("all".into()), String::new())
            };
            let total = ReportRow {
                key: None,
                label: match locale {
                    Locale::En => "All".to_owned(),
                    Locale::ZhCn => "合计".to_owned(),
                },
                ..total
            };
            let days = per_day(conn, &scope)?;
            let vendors = vendors(conn, &scope)?;
            Ok::<_, AppError>(Report {
                from,
                to,
                by: by_name.to_owned(),
                rows,
                total,
                days,
                vendors,
            })
        })
        .await
}

/// Folds the changes appended since the last fold into the report summary (see
/// `kefu_store::reports::fold`); returns the summary rows written.
pub async fn fold(app: &App) -> Result<usize, AppError> {
    app.store
        .write(|conn| Ok::<_, AppError>(reports::fold(conn)?))
        .await
}

/// Builds the report summary again from the tickets and ratings (see
/// `kefu_store::reports::rebuild`); returns the summary rows written.
pub async fn rebuild(app: &App) -> Result<usize, AppError> {
    app.store
        .write(|conn| Ok::<_, AppError>(reports::rebuild(conn)?))
        .await
}

/// Every day of the period with what was created and solved on it.
fn per_day(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<ReportDay>, AppError> {
    let days: BTreeMap<String, Totals> = reports::totals(
        conn,
        &Scope {
            by: GroupBy::Day,
            ..scope.clone()
        },
    )?
    .into_iter()
    .filter_map(|t| Some((t.key.clone()?, t)))
    .collect();
    Ok(scope
        .from
        .iter_days()
        .take_while(|d| *d <= scope.to)
        .map(|d| {
            let day = d.format("%Y-%m-%d").to_string();
            let totals = days.get(&day);
            ReportDay {
                created: totals.map_or(0, |t| t.created),
                solved: totals.map_or(0, |t| t.solved),
                day,
            }
        })
        .collect())
}

/// Vendor turnaround, slowest first.
fn vendors(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<VendorTurnaround>, AppError> {
    let rows = reports::vendor_turnaround(conn, scope)?;
    let mut out = Vec::new();
    for row in rows {
        let Some(key) = row.key else { continue };
        let Ok(id) = key.parse::<VendorId>() else {
            continue;
        };
        let name = kefu_store::vendors::find(conn, id)
            .map(|v| v.name)
            .unwrap_or_default();
        out.push(VendorTurnaround {
            vendor_id: key,
            vendor_name: name,
            escalations: row.n,
            answered_percent: rounded(row.b, 100.0).unwrap_or(0.0),
            turnaround_hours: rounded(row.a, 1.0 / 3600.0),
        });
    }
    out.sort_by(|a, b| {
        b.turnaround_hours
            .unwrap_or(f64::MAX)
            .total_cmp(&a.turnaround_hours.unwrap_or(f64::MAX))
    });
    Ok(out)
}
