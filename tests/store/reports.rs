//! The report summary: after tickets are created, moved, answered, solved, reopened, rated
//! and deleted — by any statement, not only the store's — it sums to what the tickets and
//! ratings themselves count, before and after it is folded, and folding twice changes nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kefu_domain::ids::{RatingId, TeamId, TicketId};
use kefu_domain::survey::{Expectation, Rating, RatingSource};
use kefu_domain::ticket::{Channel, Stage, Status, Ticket};
use kefu_store::reports::{self, GroupBy, Scope, Totals};
use kefu_store::surveys::{self, StoredRating};
use kefu_store::{DbConnection, StoreError, teams, tickets};
use kefu_testkit::test_both;

use crate::fixtures::{agent, people, team, ticket};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

/// What the tickets and ratings count per team over March 2026, worked out here.
fn expected(list: &[Ticket], ratings: &[StoredRating]) -> BTreeMap<Option<String>, Totals> {
    let mut out: BTreeMap<Option<String>, Totals> = BTreeMap::new();
    let key = |team: Option<TeamId>| team.map(|t| t.to_string());
    for t in list {
        let row = out.entry(key(t.team)).or_default();
        row.key = key(t.team);
        row.created += 1;
        if let Some(first) = t.first_responded_at {
            row.responded += 1;
            row.response_ms += (first - t.created_at).num_milliseconds();
        }
        if let Some(solved) = t.solved_at {
            row.solved += 1;
            row.resolution_ms += (solved - t.created_at).num_milliseconds();
        }
    }
    for r in ratings {
        let row = out.entry(key(r.team)).or_default();
        row.key = key(r.team);
        row.ratings += 1;
        row.rating_points += i64::from(r.rating.score);
        row.satisfied += i64::from(r.rating.score >= 4);
        if let Some(e) = r.rating.expectation {
            row.expectations += 1;
            row.expectation_points += i64::from(e.gap());
        }
    }
    out
}

fn march(by: GroupBy) -> Scope {
    Scope {
        from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        team: None,
        by,
    }
}

fn summed(conn: &mut DbConnection) -> BTreeMap<Option<String>, Totals> {
    reports::totals(conn, &march(GroupBy::Team))
        .unwrap()
        .into_iter()
        .map(|t| (t.key.clone(), t))
        .collect()
}

fn rating(t: &Ticket, score: u8, expectation: Option<Expectation>, day: u32) -> StoredRating {
    StoredRating {
        id: RatingId::new(),
        ticket: t.id,
        rating: Rating {
            score,
            comment: None,
            expectation,
        },
        source: RatingSource::Email,
        agent: t.assignee,
        team: t.team,
        stage: t.stage,
        channel: t.channel,
        created_at: at(day, 12),
    }
}

test_both! {
    async fn the_summary_sums_to_what_the_tickets_count(db: TestDb) {
        db.store.write(|conn| {
            let (requester, orders, _) = people(conn);
            let support = team("After-sales support");
            teams::insert(conn, &support)?;
            let (emma, li) = (agent(conn, "emma@example.com"), agent(conn, "li@example.com"));
            let mut list = Vec::new();
            for i in 0..9u32 {
                let mut t = ticket(conn, requester, &format!("Case {i}"), 0);
                t.created_at = at(2 + i % 3, 8 + i);
                t.updated_at = t.created_at;
                t.team = [Some(orders), Some(support.id), None][i as usize % 3];
                t.assignee = [Some(emma), None, Some(li)][i as usize % 3];
                t.stage = [Stage::PreSale, Stage::InSale, Stage::AfterSale][i as usize % 3];
                t.channel = [Channel::Email, Channel::Chat, Channel::Phone, Channel::Web][i as usize % 4];
                if i % 2 == 0 {
                    t.first_responded_at = Some(t.created_at + Duration::minutes(i64::from(7 * i + 1)));
                }
                if i % 4 == 0 {
                    t.status = Status::Solved;
                    t.solved_at = Some(t.created_at + Duration::hours(i64::from(5 + i)));
                }
                // Numbered one at a time: SQLite numbers from the tickets written.
                tickets::insert(conn, &t)?;
                list.push(t);
            }
            let mut ratings = vec![
                rating(&list[0], 5, Some(Expectation::Better), 6),
                rating(&list[4], 2, Some(Expectation::Worse), 7),
                rating(&list[8], 4, None, 7),
            ];
            surveys::insert_many(conn, &ratings)?;
            assert_eq!(summed(conn), expected(&list, &ratings));

            // The store's own saves: moved to another team and agent, answered, solved,
            // reopened, staged again.
            list[1].team = Some(orders);
            list[1].assignee = Some(li);
            list[3].first_responded_at = Some(list[3].created_at + Duration::seconds(90));
            list[5].status = Status::Solved;
            list[5].solved_at = Some(at(9, 10));
            list[0].status = Status::Open;
            list[0].solved_at = None;
            list[2].stage = Stage::AfterSale;
            for i in [0, 1, 2, 3, 5] {
                tickets::save(conn, &list[i])?;
            }
            assert_eq!(summed(conn), expected(&list, &ratings));
            assert!(reports::fold(conn)? > 0, "the changes are folded");
            assert_eq!(summed(conn), expected(&list, &ratings));
            assert_eq!(reports::fold(conn)?, 0, "nothing is left to fold");

            // Waiting on the customer changes no fact, so it appends nothing to fold.
            diesel_exec(conn, &format!(
                "UPDATE tickets SET status = 'pending' WHERE id = '{}'", list[1].id
            ))?;
            assert_eq!(reports::fold(conn)?, 0, "open to pending moves nothing");

            // Any statement counts: a team moved by hand, a ticket deleted with its rating.
            let moved = list[7].id;
            diesel_exec(conn, &format!(
                "UPDATE tickets SET team_id = '{}' WHERE id = '{moved}'", support.id
            ))?;
            list[7].team = Some(support.id);
            let gone: TicketId = list[4].id;
            diesel_exec(conn, &format!("DELETE FROM tickets WHERE id = '{gone}'"))?;
            list.remove(4);
            ratings.retain(|r| r.ticket != gone);
            assert_eq!(summed(conn), expected(&list, &ratings));
            reports::fold(conn)?;
            assert_eq!(summed(conn), expected(&list, &ratings));

            // Per day: created on the day created, solved on the day solved (the days with
            // ratings only are left out here).
            let days: BTreeMap<String, (i64, i64)> = reports::totals(conn, &march(GroupBy::Day))?
                .into_iter()
                .filter(|t| t.created + t.solved > 0)
                .map(|t| (t.key.unwrap(), (t.created, t.solved)))
                .collect();
            let mut want: BTreeMap<String, (i64, i64)> = BTreeMap::new();
            for t in &list {
                want.entry(t.created_at.format("%Y-%m-%d").to_string()).or_default().0 += 1;
                if let Some(s) = t.solved_at {
                    want.entry(s.format("%Y-%m-%d").to_string()).or_default().1 += 1;
                }
            }
            assert_eq!(days, want);

            // The backlog: every unsolved ticket, by its agent, all older than a week.
            let backlog = reports::backlog(conn, &march(GroupBy::Agent), kefu_domain::time::now())?;
            let open: i64 = backlog.iter().map(|b| b.unsolved).sum();
            assert_eq!(open, list.iter().filter(|t| t.solved_at.is_none()).count() as i64);
            assert!(backlog.iter().all(|b| b.over_week == b.unsolved));
            let emmas = backlog.iter().find(|b| b.key == Some(emma.to_string())).unwrap();
            let want_emma = list
                .iter()
                .filter(|t| t.assignee == Some(emma) && t.solved_at.is_none())
                .count() as i64;
            assert_eq!(emmas.unsolved, want_emma);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn a_ticket_opened_this_week_is_not_over_a_week_old(db: TestDb) {
        db.store.write(|conn| {
            let (requester, orders, _) = people(conn);
            let now = kefu_domain::time::now();
            // Opened now, eight days ago, and a minute either side of a week ago (the week's
            // first day, unless the day began within the minute).
            for (subject, age) in [
                ("Today", Duration::zero()),
                ("Last week", Duration::days(8)),
                ("Just inside", Duration::days(7) - Duration::minutes(1)),
                ("Just outside", Duration::days(7) + Duration::minutes(1)),
            ] {
                let mut t = ticket(conn, requester, subject, 0);
                t.team = Some(orders);
                t.created_at = now - age;
                tickets::insert(conn, &t)?;
            }
            let scope = Scope { team: Some(orders.to_string()), ..march(GroupBy::Team) };
            let backlog = reports::backlog(conn, &scope, now)?;
            assert_eq!(backlog.len(), 1);
            assert_eq!((backlog[0].unsolved, backlog[0].over_week), (4, 2));
            let age = backlog[0].average_age_seconds(now).unwrap() / 86_400.0;
            assert!((age - 5.5).abs() < 0.01, "average age {age} days");
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

fn diesel_exec(conn: &mut DbConnection, sql: &str) -> Result<(), StoreError> {
    use diesel::RunQueryDsl;
    kefu_store::with_backend!(conn, c => diesel::sql_query(sql).execute(c))?;
    Ok(())
}

test_both! {
    async fn folds_running_at_once_beside_writers_move_each_change_once(db: TestDb) {
        let (requester, orders) = db.store.write(|conn| {
            let (requester, orders, _) = people(conn);
            Ok::<_, StoreError>((requester, orders))
        }).await.unwrap();
        // Four writers, each opening tickets and folding after each, as four nodes would.
        let mut writers = Vec::new();
        for w in 0..4 {
            let store = db.store.clone();
            writers.push(tokio::spawn(async move {
                for i in 0..10 {
                    store.write(move |conn| {
                        let mut t = ticket(conn, requester, &format!("Writer {w}, case {i}"), 0);
                        t.team = Some(orders);
                        t.created_at = at(10, 9);
                        tickets::insert(conn, &t)
                    }).await.unwrap();
                    store.write(reports::fold).await.unwrap();
                }
            }));
        }
        for writer in writers {
            writer.await.unwrap();
        }
        db.store.write(move |conn| {
            let orders_key = Some(orders.to_string());
            assert_eq!(summed(conn)[&orders_key].created, 40);
            reports::fold(conn)?;
            assert_eq!(summed(conn)[&orders_key].created, 40, "folded, still 40");
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn a_rebuild_restores_a_summary_written_around(db: TestDb) {
        db.store.write(|conn| {
            let (requester, orders, _) = people(conn);
            let mut list = Vec::new();
            for i in 0..4u32 {
                let mut t = ticket(conn, requester, &format!("Case {i}"), 0);
                t.team = Some(orders);
                t.created_at = at(3 + i, 9);
                t.first_responded_at = Some(at(3 + i, 10));
                if i % 2 == 1 {
                    t.status = Status::Solved;
                    t.solved_at = Some(at(5 + i, 9));
                }
                tickets::insert(conn, &t)?;
                list.push(t);
            }
            let ratings = vec![rating(&list[1], 5, Some(Expectation::AsExpected), 9)];
            surveys::insert_many(conn, &ratings)?;
            // The summary emptied and a flag set with no clock behind it, as a restore with
            // its triggers off might leave them.
            diesel_exec(conn, "UPDATE tickets SET sla_tracked = TRUE")?;
            diesel_exec(conn, "DELETE FROM report_deltas")?;
            diesel_exec(conn, "DELETE FROM report_days")?;
            assert!(summed(conn).is_empty());
            assert!(reports::rebuild(conn)? > 0);
            assert_eq!(summed(conn), expected(&list, &ratings));
            let orders_totals = &summed(conn)[&Some(orders.to_string())];
            assert_eq!(orders_totals.sla_tickets, 0, "no ticket runs under a policy");
            assert_eq!(reports::fold(conn)?, 0, "nothing is left to fold");
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn service_levels_count_whichever_of_clock_and_ticket_comes_first(db: TestDb) {
        db.store.write(|conn| {
            let (requester, orders, _) = people(conn);
            let stamp = "'2026-03-01 00:00:00'";
            diesel_exec(conn, &format!(
                "INSERT INTO calendars VALUES ('cal', 'Office', 'UTC', '[]', '[]', {stamp}, {stamp})"
            ))?;
            diesel_exec(conn, &format!(
                "INSERT INTO sla_policies (id, name, position, calendar_id, scope, warn_percent, \
                 active, created_at, updated_at) VALUES ('pol', 'Orders', 0, 'cal', '{{}}', 80, \
                 TRUE, {stamp}, {stamp})"
            ))?;
            let clock = |conn: &mut DbConnection, ticket: TicketId| diesel_exec(conn, &format!(
                "INSERT INTO ticket_slas (ticket_id, policy_id, calendar_id, warn_percent, \
                 awaiting_pause_base, paused_seconds, alert_at) \
                 VALUES ('{ticket}', 'pol', 'cal', 80, 0, 0, '9999-12-31 00:00:00')"
            ));
            let breach = |conn: &mut DbConnection, ticket: TicketId, target: &str| diesel_exec(conn, &format!(
                "INSERT INTO sla_events (ticket_id, target, kind, due_at, policy_id, fired_at) \
                 VALUES ('{ticket}', '{target}', 'breach', {stamp}, 'pol', {stamp})"
            ));
            let sla = |conn: &mut DbConnection| {
                let row = summed(conn).remove(&Some(orders.to_string())).unwrap_or_default();
                (row.created, row.sla_tickets, row.sla_breached)
            };
            let opened = |conn: &mut DbConnection, subject: &str| {
                let mut t = ticket(conn, requester, subject, 0);
                t.team = Some(orders);
                t.created_at = at(4, 9);
                t
            };

            // A clock written before its ticket (checked at commit), as Kefu writes them.
            let first = opened(conn, "Clock first");
            clock(conn, first.id)?;
            tickets::insert(conn, &first)?;
            assert_eq!(sla(conn), (1, 1, 0));
            // Breaches: the first counts, a second target's does not count again.
            breach(conn, first.id, "first_response")?;
            breach(conn, first.id, "resolution")?;
            assert_eq!(sla(conn), (1, 1, 1));
            // A ticket written before its clock.
            let second = opened(conn, "Ticket first");
            tickets::insert(conn, &second)?;
            clock(conn, second.id)?;
            assert_eq!(sla(conn), (2, 2, 1));
            // A clock removed (no policy covers the ticket any more).
            diesel_exec(conn, &format!("DELETE FROM ticket_slas WHERE ticket_id = '{}'", second.id))?;
            assert_eq!(sla(conn), (2, 1, 1));
            // A tracked, breached ticket deleted with its clock and events.
            diesel_exec(conn, &format!("DELETE FROM tickets WHERE id = '{}'", first.id))?;
            assert_eq!(sla(conn), (1, 0, 0));
            reports::fold(conn)?;
            assert_eq!(sla(conn), (1, 0, 0));
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}
