//! Full-text search through each backend's index, Chinese included: entries per message, the
//! two ways a search narrows the queue, and ranking.

use kefu_domain::message::Visibility;
use kefu_domain::permissions::SearchScope;
use kefu_domain::ticket::{Status, Ticket};
use kefu_store::search::entry::{self, Facets};
use kefu_store::search::index::{self, CANDIDATE_ENTRIES, TextMatch};
use std::sync::Arc;

use kefu_store::search::{NodeIndex, SearchEntry, SearchQuery};
use kefu_store::tickets::{self, TicketFilter, TicketSort};
use kefu_store::{DbConnection, StoreError};
use kefu_testkit::test_both;

use crate::fixtures::{built_node_index, messages as written, people, ticket};

fn filter(q: &str, scope: SearchScope) -> TicketFilter {
    TicketFilter {
        text: Some((SearchQuery::parse(q).unwrap(), scope)),
        ..TicketFilter::default()
    }
}

fn found(conn: &mut DbConnection, q: &str, scope: SearchScope) -> Vec<String> {
    let node = node_index(conn);
    let mut subjects: Vec<String> = listed_both(
        conn,
        &node,
        &filter(q, scope),
        (TicketSort::Updated, None, 50),
    )
    .items
    .into_iter()
    .map(|t| t.subject)
    .collect();
    subjects.sort();
    subjects
}

/// A node's own index of the entries as they are now, built as `kefu serve` builds it.
pub struct Node {
    index: Arc<NodeIndex>,
    _dir: tempfile::TempDir,
}

pub fn node_index(conn: &mut DbConnection) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let index = built_node_index(conn, dir.path()).unwrap();
    Node {
        index: Arc::new(index),
        _dir: dir,
    }
}

/// The page for `filter`, checked to be the same read through the database's index and
/// through a node's own (which first applies the journal's changes since it last looked).
fn listed_both(
    conn: &mut DbConnection,
    node: &Node,
    filter: &TicketFilter,
    (sort, after, limit): (TicketSort, Option<&tickets::TicketCursor>, i64),
) -> tickets::TicketPage {
    let from_database = tickets::list(conn, filter, (sort, after, limit), None).unwrap();
    let mut with_node = filter.clone();
    with_node.index = Some(Arc::clone(&node.index));
    let from_node = tickets::list(conn, &with_node, (sort, after, limit), None).unwrap();
    let numbers = |page: &tickets::TicketPage| {
        page.items
            .iter()
            .map(|t| t.number.get())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        numbers(&from_node),
        numbers(&from_database),
        "the same tickets from both indexes"
    );
    assert_eq!(from_node.next, from_database.next, "the same next page");
    assert_eq!(from_node.hits, from_database.hits, "the same best entries");
    from_database
}

/// Stores a ticket with these messages and indexes it as the use cases do.
fn indexed(conn: &mut DbConnection, t: &Ticket, messages: &[(Visibility, &str)]) {
    tickets::insert(conn, t).unwrap();
    let texts = written(conn, t, messages);
    index::write(conn, &SearchEntry::all_of(t, &texts).unwrap()).unwrap();
}

/// Tickets about something else, so that ranking sees words as rare as they are in real use.
fn unrelated(conn: &mut DbConnection, requester: kefu_domain::ids::CustomerId) {
    for i in 0..20 {
        let t = ticket(conn, requester, &format!("Question {i}"), 10);
        indexed(
            conn,
            &t,
            &[(Visibility::Public, "how do I reset the device")],
        );
    }
}

test_both! {
    async fn search_finds_chinese_and_english_words(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            let texts = [
                ("申请退货", vec![(Visibility::Public, "屏幕碎了，想退货")]),
                ("Refunds for order SO-1042", vec![(Visibility::Public, "The parcel arrived damaged")]),
                ("发票问题", vec![(Visibility::Internal, "内部备注：客户是VIP")]),
                ("Quote request", vec![(Visibility::Public, "需要 20 台 X200 笔记本的报价")]),
            ];
            for (subject, body) in &texts {
                let t = ticket(conn, requester, subject, 1);
                indexed(conn, &t, body);
            }
            let all = SearchScope::All;
            assert_eq!(found(conn, "退货", all), ["申请退货"]);
            assert_eq!(found(conn, "屏幕", all), ["申请退货"]);
            assert_eq!(found(conn, "货", all), ["申请退货"]);
            assert_eq!(found(conn, "退款", all), Vec::<String>::new());
            assert_eq!(found(conn, "refund", all), ["Refunds for order SO-1042"], "by stem");
            assert_eq!(found(conn, "refu", all), Vec::<String>::new(), "whole words only");
            assert_eq!(found(conn, "refu*", all), ["Refunds for order SO-1042"], "unless starred");
            assert_eq!(found(conn, "REFUND damaged", all), ["Refunds for order SO-1042"], "subject and message");
            assert_eq!(found(conn, "refund 退货", all), Vec::<String>::new());
            assert_eq!(found(conn, "x200 报价", all), ["Quote request"]);
            assert_eq!(found(conn, "VIP", all), ["发票问题"]);
            assert_eq!(found(conn, "VIP", SearchScope::Public), Vec::<String>::new());
            assert_eq!(found(conn, "发票 VIP", SearchScope::Public), Vec::<String>::new(), "subject with an internal note");
            assert_eq!(found(conn, "发票", SearchScope::Public), ["发票问题"]);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn a_message_adds_its_own_entry_and_a_new_subject_rewrites_them(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            let mut t = ticket(conn, requester, "Printer jam", 1);
            indexed(conn, &t, &[(Visibility::Public, "It jams on page two")]);
            let number = t.number.get();
            assert_eq!(index::next_position(conn, number)?, 2);
            let [(id, _, _)] = written(conn, &t, &[(Visibility::Public, "托盘卡住了")]).try_into().unwrap();
            let entry = SearchEntry::message(&t, 2, id, Visibility::Public, "托盘卡住了")?;
            index::write(conn, &[entry])?;
            assert_eq!(index::next_position(conn, number)?, 3);
            assert_eq!(found(conn, "托盘", SearchScope::All), ["Printer jam"]);
            assert_eq!(found(conn, "page", SearchScope::All), ["Printer jam"], "earlier entries stay");

            t.subject = "标签打印机卡纸".into();
            tickets::save(conn, &t)?;
            index::remove_tickets(conn, number, number)?;
            index::write(conn, &SearchEntry::all_of(&t, &[])?)?;
            assert_eq!(found(conn, "printer", SearchScope::All), Vec::<String>::new());
            assert_eq!(found(conn, "卡纸", SearchScope::All), ["标签打印机卡纸"]);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn common_words_walk_the_queue_and_rare_ones_list_their_tickets(db: TestDb) {
        db.store.write(|conn| {
            let (requester, team, _) = people(conn);
            let count = CANDIDATE_ENTRIES as usize + 100;
            let numbers = kefu_store::dialect::next_ticket_numbers(conn, count)?;
            let mut all = Vec::new();
            for (i, number) in numbers.into_iter().enumerate() {
                let mut t = ticket(conn, requester, &format!("Order {i} arrived late"), (count - i) as i64);
                t.number = kefu_domain::ticket::TicketNumber::new(number).unwrap();
                if i % 3 == 0 {
                    t.team = Some(team);
                    t.status = Status::Pending;
                }
                all.push(t);
            }
            tickets::insert_many(conn, &all)?;
            let mut entries = Vec::new();
            for (i, t) in all.iter().enumerate() {
                let body = if i % 1000 == 7 { "the courier lost it 快递丢了" } else { "still waiting" };
                let mut texts = vec![(Visibility::Public, body)];
                if i % 2 == 0 {
                    // Tickets with more entries than others, so that batches of the index end
                    // inside a ticket.
                    texts.push((Visibility::Internal, "late again"));
                }
                entries.extend(SearchEntry::all_of(t, &written(conn, t, &texts))?);
            }
            index::write(conn, &entries)?;
            let node = node_index(conn);

            let common = SearchQuery::parse("late order").unwrap();
            assert!(matches!(index::resolve(conn, &common, SearchScope::All, &Facets::default(), None)?, TextMatch::Probe { .. }));
            let rare = SearchQuery::parse("快递").unwrap();
            assert!(matches!(index::resolve(conn, &rare, SearchScope::All, &Facets::default(), None)?, TextMatch::Among(ref n) if n.len() == 5));
            // The queue's team and stage narrow the index itself: a common word in a stage no
            // ticket is at lists nothing instead of walking the queue.
            let elsewhere = Facets { stage: Some(entry::stage_facet(kefu_domain::ticket::Stage::AfterSale)), team: None };
            assert!(matches!(index::resolve(conn, &common, SearchScope::All, &elsewhere, None)?, TextMatch::Among(ref n) if n.is_empty()));
            let in_team = Facets { team: Some(entry::team_facet(Some(team))), stage: None };
            assert!(matches!(index::resolve(conn, &rare, SearchScope::All, &in_team, None)?, TextMatch::Among(ref n) if n.len() == 1));
            // Within a team, words are looked up joined to it: only its tickets are listed, and a
            // word missing from the team lists nothing.
            let in_team_count = all.iter().filter(|t| t.team.is_some()).count();
            assert!(matches!(index::resolve(conn, &common, SearchScope::All, &in_team, None)?, TextMatch::Among(ref n) if n.len() == in_team_count));
            let nowhere = Facets { team: Some(entry::team_facet(Some(kefu_domain::ids::TeamId::new()))), stage: None };
            assert!(matches!(index::resolve(conn, &rare, SearchScope::All, &nowhere, None)?, TextMatch::Among(ref n) if n.is_empty()));

            // With PostgreSQL's statistics of the index, which call a word common without
            // asking GIN, the answers are the same.
            index::analyze(conn)?;
            let statistics = index::term_statistics(conn)?;
            let with = Some(&statistics);
            let expected = matches!(conn, DbConnection::Postgres(_));
            assert_eq!(statistics.share("late").is_some(), expected, "PostgreSQL's statistics hold the common words");
            assert!(matches!(index::resolve(conn, &common, SearchScope::All, &Facets::default(), with)?, TextMatch::Probe { .. }));
            assert!(matches!(index::resolve(conn, &rare, SearchScope::All, &in_team, with)?, TextMatch::Among(ref n) if n.len() == 1));
            assert!(matches!(index::resolve(conn, &common, SearchScope::All, &elsewhere, with)?, TextMatch::Among(ref n) if n.is_empty()));

            // Both ways give exactly the queue's own order and filters.
            let mut walked = filter("late order", SearchScope::All);
            walked.team = Some(tickets::TeamFilter::Team(team));
            walked.statuses = vec![Status::Pending];
            let page = listed_both(conn, &node, &walked, (TicketSort::Updated, None, 10));
            let expected: Vec<i64> = all.iter().rev().filter(|t| t.team.is_some()).take(10).map(|t| t.number.get()).collect();
            assert_eq!(page.items.iter().map(|t| t.number.get()).collect::<Vec<_>>(), expected);
            assert!(page.next.is_some());
            assert_eq!(page.hits.len(), 10, "every listed ticket has its best entry");

            let mut listed = filter("快递", SearchScope::All);
            listed.team = Some(tickets::TeamFilter::Team(team));
            let page = listed_both(conn, &node, &listed, (TicketSort::Created, None, 10));
            let expected: Vec<i64> = all.iter().enumerate().rev()
                .filter(|(i, t)| i % 1000 == 7 && t.team.is_some())
                .map(|(_, t)| t.number.get()).collect();
            assert_eq!(page.items.iter().map(|t| t.number.get()).collect::<Vec<_>>(), expected);
            assert_eq!(tickets::count_capped(conn, &filter("快递", SearchScope::All), 999)?, 5);

            // Newest first, a common word reads the index from its newest entries down, in
            // batches, each ticket once, page after page.
            let mut newest = filter("late order", SearchScope::All);
            newest.statuses = vec![Status::Pending];
            let pending: Vec<i64> = all.iter().rev().filter(|t| t.status == Status::Pending).map(|t| t.number.get()).collect();
            let first = listed_both(conn, &node, &newest, (TicketSort::Created, None, 600));
            let numbers = |page: &tickets::TicketPage| page.items.iter().map(|t| t.number.get()).collect::<Vec<_>>();
            assert_eq!(numbers(&first), pending[..600]);
            let second = listed_both(conn, &node, &newest, (TicketSort::Created, first.next.as_ref(), 600));
            assert_eq!(numbers(&second), pending[600..1200]);
            let third = listed_both(conn, &node, &newest, (TicketSort::Created, second.next.as_ref(), 600));
            assert_eq!(numbers(&third), pending[1200..]);
            assert!(third.next.is_none());

            // By relevance, the newest matches are ranked: those with more messages first.
            let mut ranked = Vec::new();
            let mut cursor = None;
            loop {
                let page = listed_both(conn, &node, &newest, (TicketSort::Relevance, cursor.as_ref(), 150));
                ranked.extend(numbers(&page));
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            let mut window = ranked.clone();
            window.sort_unstable_by(|a, b| b.cmp(a));
            assert_eq!(window, pending[..tickets::RELEVANCE_WINDOW as usize]);
            let busier = |n: &i64| all.iter().position(|t| t.number.get() == *n).is_some_and(|i| i % 2 == 0);
            let split = ranked.iter().take_while(|n| busier(n)).count();
            assert!(split > 0 && ranked[split..].iter().all(|n| !busier(n)), "{ranked:?}");

            // A newer ticket far above the rest, outside the queue: the index's newest entries
            // hold none of the queue's tickets, and past 25,000 ticket numbers the queue is
            // walked in its own order instead, with the same answer.
            let mut far = ticket(conn, requester, "Order far away arrived late", 0);
            far.number = kefu_domain::ticket::TicketNumber::new(all.iter().map(|t| t.number.get()).max().unwrap_or(0) + 40_000).unwrap();
            far.status = Status::Solved;
            tickets::insert(conn, &far)?;
            index::write(conn, &SearchEntry::all_of(&far, &[])?)?;
            let again = listed_both(conn, &node, &newest, (TicketSort::Created, None, 600));
            assert_eq!(numbers(&again), pending[..600]);
            let mut everything = filter("late order", SearchScope::All);
            everything.statuses = vec![Status::Solved];
            let solved = listed_both(conn, &node, &everything, (TicketSort::Created, None, 5));
            assert_eq!(numbers(&solved), [far.number.get()]);

            // Entries written after the build sit in segments of their own, their keys among the
            // old ones': newest first merges the segments in key order, and ranking finds a
            // ticket's entries in both.
            // Among the newest pending tickets, so within the window that relevance ranks.
            let later: Vec<&Ticket> = all.iter().rev().filter(|t| t.status == Status::Pending).skip(10).step_by(23).take(8).collect();
            for t in &later {
                for (id, visibility, body) in written(conn, t, &[(Visibility::Public, "late order"), (Visibility::Public, "order late")]) {
                    let position = index::next_position(conn, t.number.get())?;
                    index::write(conn, &[SearchEntry::message(t, position, id, visibility, &body)?])?;
                }
            }
            let first = listed_both(conn, &node, &newest, (TicketSort::Created, None, 600));
            assert_eq!(numbers(&first), pending[..600]);
            let second = listed_both(conn, &node, &newest, (TicketSort::Created, first.next.as_ref(), 600));
            assert_eq!(numbers(&second), pending[600..1200]);
            let best = listed_both(conn, &node, &newest, (TicketSort::Relevance, None, 20));
            let mut top: Vec<i64> = numbers(&best).into_iter().take(later.len()).collect();
            top.sort_unstable_by(|a, b| b.cmp(a));
            let mut expected: Vec<i64> = later.iter().map(|t| t.number.get()).collect();
            expected.sort_unstable_by(|a, b| b.cmp(a));
            assert_eq!(top, expected, "the tickets with the most matching entries rank first");

            // A customer's probe reads only what they may: the subject and public messages.
            let mut theirs = filter("late again", SearchScope::Public);
            theirs.statuses = vec![Status::Pending];
            assert!(listed_both(conn, &node, &theirs, (TicketSort::Updated, None, 5)).items.is_empty());
            theirs.text = SearchQuery::parse("again").map(|q| (q, SearchScope::Public));
            assert!(listed_both(conn, &node, &theirs, (TicketSort::Updated, None, 5)).items.is_empty(), "one word too");
            theirs.text = SearchQuery::parse("arrived").map(|q| (q, SearchScope::Public));
            assert_eq!(listed_both(conn, &node, &theirs, (TicketSort::Updated, None, 5)).items.len(), 5, "the subject is theirs");
            let staff = listed_both(conn, &node, &filter("late again", SearchScope::All), (TicketSort::Updated, None, 5));
            assert_eq!(staff.items.len(), 5);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn relevance_puts_the_best_match_first_and_pages_through_it(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            unrelated(conn, requester);
            let weak = ticket(conn, requester, "Delivery question", 3);
            indexed(conn, &weak, &[(Visibility::Public, "one more thing about the warranty card and the box it came in with all the papers")]);
            let strong = ticket(conn, requester, "Warranty claim", 2);
            indexed(conn, &strong, &[(Visibility::Public, "warranty")]);
            let other = ticket(conn, requester, "Unrelated", 1);
            indexed(conn, &other, &[(Visibility::Internal, "nothing")]);

            let f = filter("warranty", SearchScope::All);
            let first = tickets::list(conn, &f, (TicketSort::Relevance, None, 1), None)?;
            assert_eq!(first.items[0].id, strong.id);
            let hit = &first.hits[&strong.number.get()];
            assert!(hit.message_id.is_some(), "the snippet comes from the message");
            let cursor = first.next.expect("a second page");
            let second = tickets::list(conn, &f, (TicketSort::Relevance, Some(&cursor), 1), None)?;
            assert_eq!(second.items.iter().map(|t| t.id).collect::<Vec<_>>(), [weak.id]);
            assert!(second.next.is_none());
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn customers_never_get_an_internal_message_as_their_best_hit(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            unrelated(conn, requester);
            let t = ticket(conn, requester, "Refund request", 1);
            indexed(conn, &t, &[(Visibility::Internal, "refund refund refund approved by finance")]);
            let page = tickets::list(conn, &filter("refund", SearchScope::Public), (TicketSort::Updated, None, 5), None)?;
            assert_eq!(page.items.len(), 1, "the subject is theirs to search");
            assert_eq!(page.hits[&t.number.get()].message_id, None);
            let staff = tickets::list(conn, &filter("refund", SearchScope::All), (TicketSort::Updated, None, 5), None)?;
            assert!(staff.hits[&t.number.get()].message_id.is_some());
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}
