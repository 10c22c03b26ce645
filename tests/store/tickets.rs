//! Tickets: round trips, the queue's filters, keyset pagination and capped counts.

use kefu_domain::ids::UserId;
use kefu_domain::ticket::{Priority, Stage, Status, Ticket, TicketNumber};
use kefu_store::tickets::{self, AssigneeFilter, TeamFilter, TicketFilter, TicketSort};
use kefu_store::{DbConnection, StoreError, customers};
use kefu_testkit::test_both;

use kefu_domain::message::Visibility;
use kefu_domain::permissions::SearchScope;
use kefu_store::search::{SearchEntry, SearchQuery, index};

use crate::fixtures::{
    agent, built_node_index, customer, messages as written, people, tag, ticket,
};

test_both! {
    async fn a_ticket_reads_back_as_written(db: TestDb) {
        db.store.write(|conn| {
            let (requester, team, _) = people(conn);
            let mut written = ticket(conn, requester, "退货申请：屏幕坏了", 5);
            written.team = Some(team);
            written.tags = vec![tag("warranty"), tag("退货")];
            tickets::insert(conn, &written)?;
            assert_eq!(tickets::find(conn, written.id)?, written);
            assert_eq!(tickets::find_by_number(conn, written.number)?, written);
            let missing = tickets::find_by_number(conn, TicketNumber::new(999_999).unwrap());
            assert!(matches!(missing, Err(StoreError::NotFound)));
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn saving_changes_fields_and_replaces_tags(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            let mut t = ticket(conn, requester, "Quote please", 5);
            t.tags = vec![tag("vip")];
            tickets::insert(conn, &t)?;
            t.status = Status::Solved;
            t.priority = Priority::Urgent;
            t.tags = vec![tag("invoice"), tag("refund")];
            t.solved_at = Some(kefu_domain::time::now());
            tickets::save(conn, &t)?;
            assert_eq!(tickets::find(conn, t.id)?, t);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn ticket_numbers_increase(db: TestDb) {
        let numbers = db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            let mut numbers = Vec::new();
            for i in 0..3 {
                let t = ticket(conn, requester, &format!("t{i}"), 1);
                numbers.push(t.number.get());
                tickets::insert(conn, &t)?;
            }
            Ok::<_, StoreError>(numbers)
        }).await.unwrap();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    }
}

fn numbers(page: &[kefu_domain::ticket::Ticket]) -> Vec<i64> {
    page.iter().map(|t| t.number.get()).collect()
}

/// Which fixture tickets a filter should keep.
type Keep = Box<dyn Fn(&Ticket) -> bool>;

/// Twelve tickets with a spread of fields, in creation order.
fn queue(conn: &mut DbConnection, agent: UserId) -> Vec<Ticket> {
    let (requester, team, _) = people(conn);
    let other = customer("王芳", "wang.fang@example.com", None);
    customers::insert(conn, &other).unwrap();
    let mut out = Vec::new();
    for i in 0..12usize {
        let who = if i % 4 == 0 { other.id } else { requester };
        let mut t = ticket(conn, who, &format!("Ticket {i}"), 100 - i as i64);
        t.status = [Status::New, Status::Open, Status::Pending, Status::Solved][i % 4];
        t.stage = [Stage::PreSale, Stage::InSale, Stage::AfterSale][i % 3];
        t.priority = [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ][i % 4];
        t.team = (i % 2 == 0).then_some(team);
        t.assignee = (i % 5 != 1).then_some(agent);
        if i % 5 == 0 {
            t.tags = vec![tag("vip")];
        }
        tickets::insert(conn, &t).unwrap();
        out.push(t);
    }
    out
}

test_both! {
    async fn filters_narrow_the_queue(db: TestDb) {
        db.store.write(|conn| {
            let agent = agent(conn, "agent@example.com");
            let all = queue(conn, agent);
            let team = all[0].team.unwrap();
            let other = all[0].requester;
            let cases: Vec<(&str, TicketFilter, Keep)> = vec![
                ("everything", TicketFilter::default(), Box::new(|_| true)),
                (
                    "unsolved",
                    TicketFilter { statuses: Status::UNSOLVED.to_vec(), ..Default::default() },
                    Box::new(|t| t.status.is_unsolved()),
                ),
                (
                    "one team",
                    TicketFilter { team: Some(TeamFilter::Team(team)), ..Default::default() },
                    Box::new(move |t| t.team == Some(team)),
                ),
                (
                    "no team",
                    TicketFilter { team: Some(TeamFilter::NoTeam), ..Default::default() },
                    Box::new(|t| t.team.is_none()),
                ),
                (
                    "assignee",
                    TicketFilter { assignee: Some(AssigneeFilter::User(agent)), ..Default::default() },
                    Box::new(move |t| t.assignee == Some(agent)),
                ),
                (
                    "unassigned",
                    TicketFilter { assignee: Some(AssigneeFilter::Unassigned), ..Default::default() },
                    Box::new(|t| t.assignee.is_none()),
                ),
                (
                    "stage + status + assignee",
                    TicketFilter {
                        stages: vec![Stage::AfterSale],
                        statuses: vec![Status::Open, Status::New],
                        assignee: Some(AssigneeFilter::User(agent)),
                        ..Default::default()
                    },
                    Box::new(move |t| {
                        t.stage == Stage::AfterSale
                            && matches!(t.status, Status::Open | Status::New)
                            && t.assignee == Some(agent)
                    }),
                ),
                (
                    "priorities",
                    TicketFilter { priorities: vec![Priority::Urgent, Priority::High], ..Default::default() },
                    Box::new(|t| t.priority.rank() >= 2),
                ),
                (
                    "tag",
                    TicketFilter { tag: Some(tag("vip")), ..Default::default() },
                    Box::new(|t| t.tags.contains(&tag("vip"))),
                ),
                (
                    "requester",
                    TicketFilter { requester: Some(other), ..Default::default() },
                    Box::new(move |t| t.requester == other),
                ),
            ];
            for (name, filter, keep) in cases {
                let got = numbers(&tickets::list(conn, &filter, (TicketSort::CreatedAsc, None, 50), None)?.items);
                let expected: Vec<i64> = all.iter().filter(|t| keep(t)).map(|t| t.number.get()).collect();
                assert!(!expected.is_empty() || name == "nothing", "{name}: the fixture covers the case");
                assert_eq!(got, expected, "{name}");
            }
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn every_sort_pages_through_all_tickets_once(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            // Ties on updated_at: the id must break them.
            let same_time = kefu_domain::time::now();
            let mut all = Vec::new();
            for i in 0..23i64 {
                let mut t = ticket(conn, requester, &format!("Ticket {i}"), i);
                if i % 3 == 0 {
                    t.updated_at = same_time;
                }
                t.priority = [Priority::Low, Priority::Urgent, Priority::Normal][i as usize % 3];
                // Every fourth ticket has no running clock; others share due times in pairs.
                t.sla_due_at = (i % 4 != 0).then(|| same_time + chrono::Duration::minutes(i / 2));
                tickets::insert(conn, &t)?;
                all.push(t);
            }
            for sort in [
                TicketSort::Updated,
                TicketSort::UpdatedAsc,
                TicketSort::Created,
                TicketSort::CreatedAsc,
                TicketSort::Priority,
                TicketSort::Due,
            ] {
                let mut seen = Vec::new();
                let mut cursor = None;
                loop {
                    let page = tickets::list(conn, &TicketFilter::default(), (sort, cursor.as_ref(), 5), None)?;
                    assert!(page.items.len() <= 5);
                    seen.extend(page.items);
                    match page.next {
                        Some(next) => {
                            let text = next.encode().unwrap();
                            cursor = Some(tickets::TicketCursor::decode(&text).expect("cursor round trip"));
                        }
                        None => break,
                    }
                }
                let mut expected = all.clone();
                match sort {
                    TicketSort::Updated => expected.sort_by_key(|t| std::cmp::Reverse((t.updated_at, t.id))),
                    TicketSort::UpdatedAsc => expected.sort_by_key(|t| (t.updated_at, t.id)),
                    TicketSort::Created => expected.sort_by_key(|t| std::cmp::Reverse(t.number)),
                    TicketSort::CreatedAsc => expected.sort_by_key(|t| t.number),
                    TicketSort::Priority => {
                        expected.sort_by_key(|t| std::cmp::Reverse((t.priority.rank(), t.updated_at, t.id)))
                    }
                    TicketSort::Due => expected.sort_by_key(|t| (t.sla_due_at.is_none(), t.sla_due_at, t.id)),
                    TicketSort::Relevance => unreachable!("relevance is for searches"),
                }
                assert_eq!(numbers(&seen), numbers(&expected), "{sort:?}");
            }
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn counts_stop_at_the_cap(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            for i in 0..7 {
                let t = ticket(conn, requester, &format!("t{i}"), i);
                tickets::insert(conn, &t)?;
            }
            assert_eq!(tickets::count_capped(conn, &TicketFilter::default(), 100)?, 7);
            assert_eq!(tickets::count_capped(conn, &TicketFilter::default(), 5)?, 5);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn every_view_is_counted_in_one_statement_as_each_would_be(db: TestDb) {
        db.store.write(|conn| {
            let (requester, team, _) = people(conn);
            let user = agent(conn, "agent@example.com");
            let mut all = Vec::new();
            for i in 0..30i64 {
                let mut t = ticket(conn, requester, &format!("T{i}"), 30 - i);
                t.status = [Status::New, Status::Open, Status::Pending, Status::Solved][i as usize % 4];
                t.stage = [Stage::PreSale, Stage::InSale, Stage::AfterSale][i as usize % 3];
                t.priority = if i % 5 == 0 { Priority::Urgent } else { Priority::Normal };
                t.team = (i % 2 == 0).then_some(team);
                t.assignee = (i % 3 == 0).then_some(user);
                if i % 7 == 0 {
                    t.tags = vec![tag("vip")];
                }
                tickets::insert(conn, &t)?;
                all.push(t);
            }
            let filters = vec![
                TicketFilter { statuses: Status::UNSOLVED.to_vec(), assignee: Some(AssigneeFilter::User(user)), ..TicketFilter::default() },
                TicketFilter { statuses: Status::UNSOLVED.to_vec(), assignee: Some(AssigneeFilter::Unassigned), ..TicketFilter::default() },
                TicketFilter { team: Some(TeamFilter::Team(team)), stages: vec![Stage::InSale, Stage::AfterSale], ..TicketFilter::default() },
                TicketFilter { team: Some(TeamFilter::NoTeam), priorities: vec![Priority::Urgent], ..TicketFilter::default() },
                TicketFilter { tag: Some(tag("vip")), requester: Some(requester), ..TicketFilter::default() },
                TicketFilter { updated_since: Some(all[20].updated_at), statuses: vec![Status::Solved], ..TicketFilter::default() },
                TicketFilter::default(),
            ];
            let together = kefu_store::view_counts::count_each_capped(conn, &filters, 12)?;
            let each: Vec<i64> = filters.iter().map(|f| tickets::count_capped(conn, f, 12)).collect::<Result<_, _>>()?;
            assert_eq!(together, each);
            assert_eq!(together.last(), Some(&12), "counts stop at the cap");
            assert!(together.iter().all(|n| *n > 0), "{together:?}");
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn a_page_comes_with_each_tickets_names_and_the_viewers_read_marks(db: TestDb) {
        db.store.write(|conn| {
            let agent = agent(conn, "agent@example.com");
            let all = queue(conn, agent);
            let seen = &all[3];
            kefu_store::reads::mark_seen(conn, agent, seen.id, kefu_domain::time::now())?;
            let page = tickets::list(conn, &TicketFilter::default(), (TicketSort::CreatedAsc, None, 50), Some(agent))?;
            assert_eq!(page.items.len(), all.len());
            for (listed, written) in page.items.iter().zip(&all) {
                assert_eq!(listed, written, "tags come with the page");
                let names = &page.names[&written.id];
                assert_eq!(names.tags, written.tags);
                assert_eq!(names.requester.id, written.requester);
                let (name, email) = if written.requester == all[0].requester {
                    ("王芳", "wang.fang@example.com")
                } else {
                    ("Li Wei", "li.wei@example.com")
                };
                assert_eq!((names.requester.name.as_str(), names.requester.email.as_deref()), (name, Some(email)));
                assert_eq!(names.assignee_name.as_deref(), written.assignee.map(|_| "Agent"));
                assert_eq!(names.team_name.as_deref(), written.team.map(|_| "Orders"));
                assert_eq!(names.seen_at.is_some(), written.id == seen.id);
            }
            let anonymous = tickets::list(conn, &TicketFilter::default(), (TicketSort::CreatedAsc, None, 50), None)?;
            assert!(anonymous.names.values().all(|n| n.seen_at.is_none()), "another viewer's marks are not theirs");
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

/// The statements a connection started, and those it prepared to keep, as SQL.
#[derive(Default)]
struct Statements {
    started: Vec<String>,
    kept: Vec<String>,
}

impl Statements {
    /// Asserts that each statement started was kept prepared, now or `before`.
    fn assert_all_kept(&self, before: &[String]) {
        for sql in &self.started {
            assert!(
                before.contains(sql) || self.kept.contains(sql),
                "not kept prepared: {sql}"
            );
        }
    }
}

/// What a connection has recorded since it was last asked.
struct Recorded(std::sync::Arc<std::sync::Mutex<Statements>>);

impl Recorded {
    fn take(&self) -> Statements {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// Records on `conn` each statement it starts and each it prepares to keep.
fn recording(conn: &mut DbConnection) -> Recorded {
    use diesel::connection::{Connection, InstrumentationEvent};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Statements::default()));
    let record = seen.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        let mut seen = record.lock().unwrap();
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                let text = query.to_string();
                let sql = text.split(" -- binds:").next().unwrap_or_default();
                seen.started.push(sql.to_owned());
            }
            InstrumentationEvent::CacheQuery { sql, .. } => seen.kept.push(sql.to_owned()),
            _ => {}
        }
    });
    Recorded(seen)
}

test_both! {
    async fn queue_and_search_pages_run_statements_kept_prepared(db: TestDb) {
        db.store.write(|conn| {
            let agent = agent(conn, "agent@example.com");
            let all = queue(conn, agent);
            let page = |conn: &mut DbConnection, team, after, viewer| {
                let filter = TicketFilter {
                    statuses: Status::UNSOLVED.to_vec(),
                    team: Some(team),
                    ..TicketFilter::default()
                };
                tickets::list(conn, &filter, (TicketSort::Updated, after, 2), viewer)
            };
            let team = TeamFilter::Team(all[0].team.unwrap());
            let seen = recording(conn);
            let first = page(conn, team, None, Some(agent))?;
            let second = page(conn, team, first.next.as_ref(), Some(agent))?;
            let warm = seen.take();
            // A page is one statement: its tickets with their names.
            assert_eq!(warm.started.len(), 2, "{:?}", warm.started);
            warm.assert_all_kept(&[]);
            let mut kept = warm.kept;
            assert_eq!(kept.len(), 2, "the first page and the pages after a cursor: {kept:?}");
            // Other pages, other viewers: the same statements, with other values.
            let third = page(conn, team, second.next.as_ref(), None)?;
            page(conn, team, None, Some(UserId::new()))?;
            assert_eq!(third.items.len(), 2);
            let again = seen.take();
            assert_eq!(again.started.len(), 2);
            assert_eq!(again.kept, Vec::<String>::new(), "no statement was prepared again");
            // Filters of several values each: however many, the same statement.
            let several = |conn: &mut DbConnection, statuses: &[Status], priorities: &[Priority]| {
                let filter = TicketFilter {
                    statuses: statuses.to_vec(),
                    priorities: priorities.to_vec(),
                    ..TicketFilter::default()
                };
                tickets::list(conn, &filter, (TicketSort::Updated, None, 50), Some(agent))
            };
            let two = several(conn, &[Status::New, Status::Open], &[Priority::Low, Priority::High])?;
            assert!(two.items.iter().all(|t| [Status::New, Status::Open].contains(&t.status)));
            kept.extend(seen.take().kept);
            let three = [Status::Open, Status::Pending, Status::Solved];
            let more = several(conn, &three, &[Priority::Low, Priority::Normal, Priority::Urgent])?;
            assert!(!more.items.is_empty());
            assert!(more.items.iter().all(|t| three.contains(&t.status) && t.priority != Priority::High));
            let listed = seen.take();
            listed.assert_all_kept(&kept);
            assert_eq!(listed.kept, Vec::<String>::new(), "lists of other lengths, the same statement");
            // Searches through the node's index: after the first, other words and as many
            // or fewer matches run the statements already kept.
            for (i, t) in all.iter().enumerate() {
                let texts = match i {
                    5 => written(conn, t, &[(Visibility::Public, "ticket five: 5")]),
                    _ => Vec::new(),
                };
                index::write(conn, &SearchEntry::all_of(t, &texts)?)?;
            }
            let dir = tempfile::tempdir().unwrap();
            let index = std::sync::Arc::new(built_node_index(conn, dir.path())?);
            let search = |conn: &mut DbConnection, q: &str, sort| {
                let filter = TicketFilter {
                    text: Some((SearchQuery::parse(q).unwrap(), SearchScope::All)),
                    index: Some(index.clone()),
                    ..TicketFilter::default()
                };
                tickets::list(conn, &filter, (sort, None, 3), Some(agent))
            };
            for sort in [TicketSort::Created, TicketSort::Relevance] {
                assert_eq!(search(conn, "ticket", sort)?.items.len(), 3);
            }
            kept.extend(seen.take().kept);
            for (q, sort) in [("ticket 3", TicketSort::Created), ("ticket 5", TicketSort::Relevance)] {
                assert_eq!(search(conn, q, sort)?.items.len(), 1, "{q}");
            }
            let last = seen.take();
            last.assert_all_kept(&kept);
            assert_eq!(last.kept, Vec::<String>::new(), "no search statement was prepared again");
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn the_benchmark_baseline_runs_the_team_queue_page_statement(db: TestDb) {
        db.store.write(|conn| {
            let agent = agent(conn, "agent@example.com");
            let all = queue(conn, agent);
            let team = all[0].team.unwrap();
            let filter = TicketFilter {
                statuses: Status::UNSOLVED.to_vec(),
                team: Some(TeamFilter::Team(team)),
                ..TicketFilter::default()
            };
            let page = tickets::list(conn, &filter, (TicketSort::Updated, None, 50), Some(agent))?;
            let text = kefu_store::dialect::team_queue_text(conn.backend(), &team.to_string(), agent);
            let numbers = kefu_store::dialect::run_ticket_statement(conn, &text)?;
            let shown: Vec<i64> = page.items.iter().map(|t| t.number.get()).collect();
            assert!(!shown.is_empty());
            // The statement reads one more than a page, to tell whether there are more.
            assert_eq!(numbers.len(), shown.len() + usize::from(page.next.is_some()));
            assert_eq!(numbers[..shown.len()], shown, "the same tickets in the same order");
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}
