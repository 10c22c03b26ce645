//! Automatic assignment of tickets: agents online on their sockets are given a team's new
//! tickets in turn, within their capacity per channel; the backlog goes out as they have
//! room again; and two nodes sharing one database never give a ticket twice.

use kefu_api_types::chat::ClientFrame;
use kefu_api_types::routing::{AssignmentBody, CapacitiesBody};
use kefu_api_types::tickets::CreateTicketRequest;
use kefu_app::App;
use kefu_app::audit::Origin;
use kefu_app::routing::{assign, teams};
use kefu_app::tickets::create::{CreateTicket, create};
use kefu_app::tickets::{TicketRef, show};
use kefu_domain::chat::Presence;
use kefu_domain::ids::{TeamId, TicketId, UserId};
use kefu_domain::permissions::Actor;
use kefu_domain::routing::AssignmentMode;
use kefu_testkit::test_both;

use crate::support::Harness;

async fn assign_in_turn(h: &Harness, team: TeamId, mode: AssignmentMode, email: u32) {
    let body = AssignmentBody {
        mode,
        capacities: CapacitiesBody {
            email,
            phone: 5,
            web: 5,
            api: 5,
        },
    };
    teams::update(&h.app, h.admin, Origin::cli(), team, body)
        .await
        .unwrap();
}

async fn email_ticket(app: &App, admin: Actor, team: TeamId, n: usize) -> TicketId {
    let request: CreateTicketRequest = serde_json::from_value(serde_json::json!({
        "subject": format!("Printer {n} jams"), "channel": "email", "team_id": team,
        "requester": {"name": "Wang Fang", "email": format!("wang{n}@example.com")},
        "message": {"body": "It jams on every page."},
    }))
    .unwrap();
    let command = CreateTicket::parse(request, None).unwrap();
    let created = create(app, admin, command).await.unwrap();
    app.published(created).id
}

async fn assignee(h: &Harness, id: TicketId) -> Option<UserId> {
    show::show(&h.app, h.admin, TicketRef::Id(id))
        .await
        .unwrap()
        .assignee
        .map(|a| a.id)
}

async fn timeline_says(h: &Harness, id: TicketId, words: &str) -> bool {
    let query = serde_json::from_value(serde_json::json!({})).unwrap();
    kefu_app::tickets::timeline::page(&h.app, h.admin, TicketRef::Id(id), query)
        .await
        .unwrap()
        .items
        .iter()
        .any(|m| m.body.contains(words))
}

/// Waits until the gateway has written that `agent` went away.
async fn wait_until_away(h: &Harness, agent: UserId) {
    for _ in 0..200 {
        let presence = h
            .app
            .store
            .read(move |conn| kefu_store::chat::presence::get(conn, agent))
            .await
            .unwrap();
        if presence.is_some_and(|p| p.chosen == Presence::Away) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the agent's presence never changed");
}

test_both! {
    async fn online_agents_are_given_new_tickets_in_turn_within_their_capacity(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let chen = h.agent("chen@example.com", "Chen Wei", &[h.team]).await;
        assign_in_turn(&h, h.team, AssignmentMode::RoundRobin, 2).await;

        // Nobody is online: the ticket waits unassigned.
        let early = email_ticket(&h.app, h.admin, h.team, 0).await;
        assert_eq!(assignee(&h, early).await, None);

        let (_li_socket, _) = h.agent_socket(li).await;
        let (mut chen_socket, _) = h.agent_socket(chen).await;
        let mut given = Vec::new();
        for n in 1..=3 {
            let id = email_ticket(&h.app, h.admin, h.team, n).await;
            let agent = assignee(&h, id).await.expect("an online agent with room is given it");
            given.push((id, agent));
        }
        // Nobody was given one before, so the order of accounts decides: Li, Chen, Li.
        let order: Vec<UserId> = given.iter().map(|g| g.1).collect();
        assert_eq!(order, [li.user, chen.user, li.user], "in turn");
        assert!(timeline_says(&h, given[0].0, "Assigned automatically to Li Na").await);
        let opened = show::show(&h.app, h.admin, TicketRef::Id(given[0].0)).await.unwrap();
        assert_eq!(opened.status.as_str(), "open", "an assigned ticket is open");

        // The backlog goes to whoever has room: Chen's second place.
        assert_eq!(assign::assign_waiting(&h.app).await.unwrap(), 1);
        assert_eq!(assignee(&h, early).await, Some(chen.user));
        // Both are full now (two email tickets each): the next one waits, whatever the sweep.
        let waiting = email_ticket(&h.app, h.admin, h.team, 4).await;
        assert_eq!(assignee(&h, waiting).await, None, "nobody has room");
        assert_eq!(assign::assign_waiting(&h.app).await.unwrap(), 0);

        // Chen goes away and solves one: Chen has room but is away, so nothing moves.
        chen_socket.send(&ClientFrame::Presence { presence: Presence::Away }).await;
        let solve = |agent: Actor, id: TicketId| {
            let app = h.app.clone();
            async move {
                let change = serde_json::from_value(serde_json::json!({"status": "solved"})).unwrap();
                let change = kefu_app::tickets::update::TicketChange::parse(change).unwrap();
                app.published(kefu_app::tickets::update::update(&app, agent, TicketRef::Id(id), change).await.unwrap());
            }
        };
        solve(chen, early).await;
        wait_until_away(&h, chen.user).await;
        assert_eq!(assign::assign_waiting(&h.app).await.unwrap(), 0, "Chen is away");
        // Li solves one: Li is given the waiting ticket.
        solve(li, given[0].0).await;
        assert_eq!(assign::assign_waiting(&h.app).await.unwrap(), 1);
        assert_eq!(assignee(&h, waiting).await, Some(li.user));
    }
}

test_both! {
    async fn two_nodes_never_give_a_ticket_twice_or_overfill_an_agent(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let chen = h.agent("chen@example.com", "Chen Wei", &[h.team]).await;
        assign_in_turn(&h, h.team, AssignmentMode::LeastBusy, 5).await;
        let (_a, _) = h.agent_socket(li).await;
        let (_b, _) = h.agent_socket(chen).await;
        let other = App::new(h.app.store.clone(), None, kefu_app::SessionPolicy::default()).unwrap();

        // Sixteen tickets opened at once on two nodes: ten places, five each.
        let open_on = |app: App, from: usize| {
            let (admin, team) = (h.admin, h.team);
            async move {
                let mut ids = Vec::new();
                for n in from..from + 8 {
                    ids.push(email_ticket(&app, admin, team, n).await);
                }
                ids
            }
        };
        let (mut ids, theirs) = tokio::join!(open_on(h.app.clone(), 0), open_on(other.clone(), 100));
        ids.extend(theirs);
        let count = |agent: Option<UserId>, owners: &[Option<UserId>]| owners.iter().filter(|o| **o == agent).count();
        let mut owners = Vec::new();
        for id in &ids {
            owners.push(assignee(&h, *id).await);
        }
        assert_eq!(count(Some(li.user), &owners), 5, "{owners:?}");
        assert_eq!(count(Some(chen.user), &owners), 5, "{owners:?}");
        assert_eq!(count(None, &owners), 6, "{owners:?}");

        // More room: both nodes sweep the backlog at once, and each ticket is given once.
        assign_in_turn(&h, h.team, AssignmentMode::LeastBusy, 20).await;
        let (here, there) = tokio::join!(assign::assign_waiting(&h.app), assign::assign_waiting(&other));
        assert_eq!(here.unwrap() + there.unwrap(), 6);
        for id in &ids {
            assert!(assignee(&h, *id).await.is_some());
            let query = serde_json::from_value(serde_json::json!({})).unwrap();
            let events = kefu_app::tickets::timeline::page(&h.app, h.admin, TicketRef::Id(*id), query)
                .await
                .unwrap()
                .items
                .into_iter()
                .filter(|m| m.body.starts_with("Assigned automatically"))
                .count();
            assert_eq!(events, 1, "ticket {id} was given once");
        }
    }
}
