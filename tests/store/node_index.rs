//! A node's own search index following the database: writes made through another node's
//! store, a node restarted after others wrote, and (on PostgreSQL) a transaction that commits
//! after a later one.

use std::sync::Arc;

use kefu_domain::message::Visibility;
use kefu_domain::permissions::SearchScope;
use kefu_domain::ticket::Ticket;
use kefu_store::search::index;
use kefu_store::search::{NodeIndex, SearchEntry, SearchQuery};
use kefu_store::tickets::{self, TeamFilter, TicketFilter, TicketSort};
use kefu_store::{DbConnection, Store, StoreConfig, StoreError};
use kefu_testkit::{TestDb, test_both};

use crate::fixtures::{built_node_index, messages as written, people, team, ticket};

/// Another node on the same database: its own store and its own index.
struct OtherNode {
    store: Store,
    index: Arc<NodeIndex>,
}

async fn other_node(db: &TestDb, dir: &std::path::Path) -> OtherNode {
    let store = Store::open(&StoreConfig {
        url: db.url.clone(),
        pool_size: 2,
        ..StoreConfig::default()
    })
    .await
    .unwrap();
    let dir = dir.to_owned();
    let index = store
        .read(move |conn| built_node_index(conn, &dir))
        .await
        .map(Arc::new)
        .unwrap();
    OtherNode { store, index }
}

impl OtherNode {
    /// The subjects this node finds for `q` (within `team`, if given), newest first.
    async fn found(&self, q: &str, team: Option<kefu_domain::ids::TeamId>) -> Vec<String> {
        let filter = TicketFilter {
            text: Some((SearchQuery::parse(q).unwrap(), SearchScope::All)),
            team: team.map(TeamFilter::Team),
            index: Some(Arc::clone(&self.index)),
            ..TicketFilter::default()
        };
        self.store
            .read(move |conn| tickets::list(conn, &filter, (TicketSort::Created, None, 50), None))
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|t| t.subject)
            .collect()
    }
}

/// Stores a ticket with one message and indexes it as the use cases do.
fn indexed(conn: &mut DbConnection, t: &Ticket, body: &str) -> Result<(), StoreError> {
    tickets::insert(conn, t)?;
    let texts = written(conn, t, &[(Visibility::Public, body)]);
    index::write(conn, &SearchEntry::all_of(t, &texts)?)
}

test_both! {
    async fn a_node_index_follows_what_other_nodes_write(db: TestDb) {
        let dir = tempfile::tempdir().unwrap();
        let (first, orders, requester) = db.store.write(|conn| {
            let (requester, orders, _) = people(conn);
            let t = ticket(conn, requester, "屏幕碎了", 3);
            indexed(conn, &t, "想申请退货")?;
            Ok::<_, StoreError>((t, orders, requester))
        }).await.unwrap();
        let node = other_node(&db, dir.path()).await;
        assert_eq!(node.found("退货", None).await, ["屏幕碎了"], "built from the entries");

        // A new ticket, a new message and a move to another team, each written through the
        // first node's store, are found by the other node's next search.
        let moved = first.clone();
        db.store.write(move |conn| {
            let t = ticket(conn, requester, "Refund for order SO-7", 2);
            indexed(conn, &t, "the parcel never came")?;
            let position = index::next_position(conn, moved.number.get())?;
            let [(id, _, _)] = written(conn, &moved, &[(Visibility::Public, "退货运单已寄出")]).try_into().unwrap();
            let entry = SearchEntry::message(&moved, position, id, Visibility::Public, "退货运单已寄出")?;
            index::write(conn, &[entry])
        }).await.unwrap();
        assert_eq!(node.found("parcel", None).await, ["Refund for order SO-7"]);
        assert_eq!(node.found("运单", None).await, ["屏幕碎了"]);
        assert_eq!(node.found("退货", Some(orders)).await, Vec::<String>::new());

        let mut in_orders = first.clone();
        db.store.write(move |conn| {
            in_orders.team = Some(orders);
            tickets::save(conn, &in_orders)?;
            let texts = kefu_store::messages::searchable_texts(conn, &[in_orders.id])?;
            let number = in_orders.number.get();
            index::remove_tickets(conn, number, number)?;
            let own = texts.get(&in_orders.id).cloned().unwrap_or_default();
            index::write(conn, &SearchEntry::all_of(&in_orders, &own)?)
        }).await.unwrap();
        assert_eq!(node.found("退货", Some(orders)).await, ["屏幕碎了"], "the team's queue follows the move");
        let elsewhere = db.store.write(|conn| {
            let other = team("Pre-sales");
            kefu_store::teams::insert(conn, &other)?;
            Ok::<_, StoreError>(other.id)
        }).await.unwrap();
        assert_eq!(node.found("退货", Some(elsewhere)).await, Vec::<String>::new());
    }
}

test_both! {
    async fn a_restarted_node_applies_what_was_written_while_it_was_down(db: TestDb) {
        let dir = tempfile::tempdir().unwrap();
        let requester = db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            let t = ticket(conn, requester, "Warranty claim", 4);
            indexed(conn, &t, "the hinge cracked")?;
            Ok::<_, StoreError>(requester)
        }).await.unwrap();
        let node = other_node(&db, dir.path()).await;
        assert_eq!(node.found("hinge", None).await, ["Warranty claim"]);
        let entries = node.index.entries();
        drop(node);

        db.store.write(move |conn| {
            let t = ticket(conn, requester, "Second hinge", 1);
            indexed(conn, &t, "保修期内铰链断裂")
        }).await.unwrap();
        let node = other_node(&db, dir.path()).await;
        assert!(node.index.is_built(), "the index kept in its folder is used again");
        assert_eq!(node.index.entries(), entries, "not built again: it reads the journal on");
        assert_eq!(node.found("hinge", None).await, ["Second hinge", "Warranty claim"]);
        assert_eq!(node.found("铰链", None).await, ["Second hinge"]);
    }
}

/// On PostgreSQL a transaction can take its journal number before another and commit after
/// it: a node that searched in between found the later one, and must not have moved past the
/// earlier.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_committed_after_a_later_one_is_not_passed_over() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let requester = db
        .store
        .write(|conn| Ok::<_, StoreError>(people(conn).0))
        .await
        .unwrap();
    let node = other_node(&db, dir.path()).await;

    let (written, wait_written) = std::sync::mpsc::channel::<()>();
    let (release, wait_release) = std::sync::mpsc::channel::<()>();
    let slow = db.store.clone();
    let early = tokio::spawn(async move {
        slow.write(move |conn| {
            {
                let t = ticket(conn, requester, "Slow courier", 5);
                indexed(conn, &t, "快递还没到")
            }?;
            written.send(()).ok();
            wait_release.recv().ok();
            Ok::<_, StoreError>(())
        })
        .await
    });
    tokio::task::spawn_blocking(move || wait_written.recv())
        .await
        .unwrap()
        .unwrap();
    db.store
        .write(move |conn| {
            let t = ticket(conn, requester, "Fast courier", 1);
            indexed(conn, &t, "快递已签收")
        })
        .await
        .unwrap();
    assert_eq!(
        node.found("快递", None).await,
        ["Fast courier"],
        "the committed one is found at once"
    );

    release.send(()).unwrap();
    early.await.unwrap().unwrap();
    assert_eq!(
        node.found("快递", None).await,
        ["Fast courier", "Slow courier"],
        "the earlier transaction's change, committed last, is applied too"
    );
}

test_both! {
    async fn lines_appended_on_many_tickets_at_once_are_found_by_other_nodes(db: TestDb) {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, requester) = db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            let a = ticket(conn, requester, "Kettle leaks", 3);
            indexed(conn, &a, "water on the table")?;
            let b = ticket(conn, requester, "Kettle lid", 3);
            indexed(conn, &b, "the lid is loose")?;
            Ok::<_, StoreError>((a, b, requester))
        }).await.unwrap();
        let _ = requester;
        let node = other_node(&db, dir.path()).await;
        assert_eq!(node.found("leaks", None).await, ["Kettle leaks"]);

        // One group commit: two lines on the first chat, one on the second, written as the
        // gateway writes them (each entry after its ticket's last, journalled on its own).
        let (first, second) = (a.clone(), b.clone());
        db.store.write(move |conn| {
            let next = index::next_positions(conn, &[first.number.get(), second.number.get()])?;
            let lines = [(&first, "photo of the 裂缝 attached"), (&first, "it drips at the base"), (&second, "hinge snapped")];
            let mut entries = Vec::new();
            let mut taken = std::collections::HashMap::new();
            for (t, body) in lines {
                let [(id, _, _)] = written(conn, t, &[(Visibility::Public, body)]).try_into().unwrap();
                let position = taken.entry(t.number.get()).or_insert(next[&t.number.get()]);
                entries.push(SearchEntry::message(t, *position, id, Visibility::Public, body)?);
                *position += 1;
            }
            index::write_appended(conn, &entries)
        }).await.unwrap();
        assert_eq!(node.found("裂缝", None).await, ["Kettle leaks"]);
        assert_eq!(node.found("drips", None).await, ["Kettle leaks"]);
        assert_eq!(node.found("hinge", None).await, ["Kettle lid"]);
        assert_eq!(node.found("water", None).await, ["Kettle leaks"], "earlier lines are still found");
    }
}
