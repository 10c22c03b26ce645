//! Two nodes sharing PostgreSQL and Redis: a visitor on one and an agent on the other chat
//! normally, and queue updates reach agents on both.

use kefu_api_types::chat::{ClientFrame, ServerFrame};
use kefu_testkit::TestDb;

use crate::protocol::{line, start};
use crate::support::{CONSOLE, Client, Harness, SHOP};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_on_one_node_chats_with_an_agent_on_another() {
    let db = TestDb::postgres()
        .await
        .expect("two nodes share PostgreSQL");
    let channel = format!("kefu:test:{}", kefu_domain::ids::TicketId::new());
    let h = Harness::start_on_bus(db, &channel).await;
    let (other, other_url, _stop) = h.second_node(&channel).await;
    let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
    let chen = h.agent("chen@example.com", "Chen Wei", &[h.team]).await;

    // Li on node B, Chen on node A; the visitor on node A.
    let ticket_b = kefu_app::chat::identity::issue_socket_ticket(&other, li)
        .await
        .unwrap()
        .0;
    let mut agent_b = Client::connect(&other_url, Some(CONSOLE)).await.unwrap();
    agent_b.hello(&ticket_b, Vec::new()).await;
    agent_b
        .next_where(|f| matches!(f, ServerFrame::QueueSnapshot { .. }))
        .await;
    h.chat_settings(h.team, true, 1, 60).await;
    let (mut agent_a, _) = h.agent_socket(chen).await;

    let token = h.visitor_token(&"n".repeat(43)).await;
    let mut visitor = Client::connect(&h.url, Some(SHOP)).await.unwrap();
    visitor.hello(&token, Vec::new()).await;
    visitor.send(&start(Some("Hello from node A"))).await;
    let ServerFrame::Started { ticket, .. } = visitor
        .next_where(|f| matches!(f, ServerFrame::Started { .. }))
        .await
    else {
        panic!()
    };

    // The chat is offered to one of them; the queue update reaches both nodes' agents.
    let update_b = agent_b
        .next_where(|f| matches!(f, ServerFrame::QueueUpdate { chat } if chat.ticket == ticket))
        .await;
    let update_a = agent_a
        .next_where(|f| matches!(f, ServerFrame::QueueUpdate { chat } if chat.ticket == ticket))
        .await;
    assert_eq!(update_a, update_b, "both nodes' agents see the same queue");

    // Li (node B) takes it, whoever it was offered to.
    agent_b.send(&ClientFrame::Take { ticket }).await;
    let assigned = visitor
        .next_where(|f| matches!(f, ServerFrame::Assigned { .. }))
        .await;
    assert_eq!(
        assigned,
        ServerFrame::Assigned {
            ticket,
            agent: "Li Na".into()
        }
    );
    agent_b
        .next_where(|f| matches!(f, ServerFrame::Message { seq: 1, .. }))
        .await;

    visitor
        .send(&line("v-1", "Can you hear me across nodes?"))
        .await;
    let heard = agent_b
        .next_where(|f| matches!(f, ServerFrame::Message { seq: 3, .. }))
        .await;
    assert!(
        matches!(heard, ServerFrame::Message { ref text, .. } if text == "Can you hear me across nodes?")
    );
    agent_b
        .send(&ClientFrame::Typing {
            ticket: Some(ticket),
            typing: true,
        })
        .await;
    visitor
        .next_where(|f| matches!(f, ServerFrame::Typing { typing: true, .. }))
        .await;
    agent_b
        .send(&ClientFrame::Send {
            ticket: Some(ticket),
            client_id: "b-1".into(),
            text: "Loud and clear".into(),
        })
        .await;
    let answer = visitor
        .next_where(|f| matches!(f, ServerFrame::Message { seq: 4, .. }))
        .await;
    assert!(matches!(answer, ServerFrame::Message { ref text, .. } if text == "Loud and clear"));
    // Node A's agent saw it leave the queue.
    agent_a
        .next_where(|f| matches!(f, ServerFrame::QueueRemoved { ticket: t } if *t == ticket))
        .await;
}
