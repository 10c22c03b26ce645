//! Nothing is lost and nothing doubles: a line sent again is stored once, a client that
//! reconnects gets what it missed, a visitor who reloads is back in the same chat.

use kefu_api_types::chat::{ClientFrame, Resume, ServerFrame};
use kefu_domain::chat::Sequence;
use kefu_store::chat::lines;
use kefu_testkit::test_both;

use crate::protocol::{line, start};
use crate::support::Harness;

test_both! {
    async fn a_line_sent_again_is_stored_once_and_acknowledged_with_its_first_number(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (_agent, _) = h.agent_socket(li).await;
        let key = "d".repeat(43);
        let mut visitor = h.visitor(&key, Vec::new()).await;
        visitor.send(&start(None)).await;
        let ServerFrame::Started { ticket, .. } = visitor.next_where(|f| matches!(f, ServerFrame::Started { .. })).await else { panic!() };

        visitor.send(&line("same-1", "first")).await;
        visitor.send(&line("same-1", "first")).await;
        let a = visitor.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        let b = visitor.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        assert_eq!(a, b, "both sends are acknowledged with the same number");
        // After a reconnect, the unacknowledged line is sent again.
        drop(visitor);
        let mut again = h.visitor(&key, vec![Resume { ticket, after: 1 }]).await;
        again.send(&line("same-1", "first")).await;
        let c = again.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        assert_eq!(a, c);
        let stored = h.app.store.read(move |c| lines::after(c, ticket, Sequence::new(0), 100)).await.unwrap();
        assert_eq!(stored.len(), 1, "stored once: {stored:?}");
    }
}

test_both! {
    async fn a_client_that_reconnects_gets_what_it_missed_in_order(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut agent, _) = h.agent_socket(li).await;
        let key = "r".repeat(43);
        let mut visitor = h.visitor(&key, Vec::new()).await;
        visitor.send(&start(Some("hello"))).await;
        let ServerFrame::Started { ticket, .. } = visitor.next_where(|f| matches!(f, ServerFrame::Started { .. })).await else { panic!() };
        agent.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        agent.send(&ClientFrame::Accept { ticket }).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        drop(visitor);

        for i in 1..=3 {
            agent.send(&ClientFrame::Send { ticket: Some(ticket), client_id: format!("a-{i}"), text: format!("line {i}") }).await;
            agent.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        }
        // A page reload: the same browser key, resuming from the last line seen.
        let mut reloaded = h.visitor(&key, vec![Resume { ticket, after: 1 }]).await;
        let mut seqs = Vec::new();
        while seqs.len() < 4 {
            if let ServerFrame::Message { seq, text, note, .. } = reloaded.next().await {
                match note {
                    Some(_) => assert_eq!(seq, 2, "the note that Li joined"),
                    None => assert_eq!(text, format!("line {}", seq - 2)),
                }
                seqs.push(seq);
            }
        }
        assert_eq!(seqs, [2, 3, 4, 5], "gapless, in order, nothing twice");

        // A visitor who comes back without saying where they were gets the whole chat, then
        // where it stands now (so "Li Na joined" shows after the lines, not above them).
        let mut back = h.visitor(&key, Vec::new()).await;
        let mut all = Vec::new();
        while all.len() < 5 {
            match back.next().await {
                ServerFrame::Message { seq, .. } => all.push(seq),
                ServerFrame::Assigned { .. } => panic!("where the chat stands came before its lines"),
                _ => {}
            }
        }
        assert_eq!(all, [1, 2, 3, 4, 5]);
        let standing = back.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        assert_eq!(standing, ServerFrame::Assigned { ticket, agent: "Li Na".into() });
        // And they are still in the same chat: a new line joins it.
        back.send(&line("v-2", "still here")).await;
        let ack = back.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        assert!(matches!(ack, ServerFrame::Ack { seq: 6, ticket: t, .. } if t == ticket));
    }
}

test_both! {
    async fn another_browser_never_opens_the_chat(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (_agent, _) = h.agent_socket(li).await;
        let mut owner = h.visitor(&"o".repeat(43), Vec::new()).await;
        owner.send(&start(Some("private"))).await;
        let ServerFrame::Started { ticket, .. } = owner.next_where(|f| matches!(f, ServerFrame::Started { .. })).await else { panic!() };
        // Same name and email typed in another browser: a different visitor.
        let mut stranger = h.visitor(&"s".repeat(43), vec![Resume { ticket, after: 0 }]).await;
        stranger.next().await; // availability
        stranger.send(&ClientFrame::Send { ticket: Some(ticket), client_id: "s-1".into(), text: "let me in".into() }).await;
        let refused = stranger.next().await;
        assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "not_found"), "{refused:?}");
        stranger.send(&ClientFrame::Ping { nonce: None }).await;
        assert_eq!(stranger.next().await, ServerFrame::Pong { nonce: None }, "no line of the chat was sent");
    }
}

test_both! {
    async fn a_reply_from_the_consoles_reply_box_reaches_the_visitor_live(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut agent, _) = h.agent_socket(li).await;
        let mut visitor = h.visitor(&"x".repeat(43), Vec::new()).await;
        visitor.send(&start(Some("hi"))).await;
        let ServerFrame::Started { ticket, .. } = visitor.next_where(|f| matches!(f, ServerFrame::Started { .. })).await else { panic!() };
        agent.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        agent.send(&ClientFrame::Accept { ticket }).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;

        let reply = kefu_app::tickets::post_message::PostMessage {
            body: "We will send a new kettle today.".into(),
            visibility: kefu_domain::message::Visibility::Public,
            status: None,
            channel: None,
            recipients: None,
        };
        let note = kefu_app::tickets::post_message::PostMessage {
            body: "Internal: check stock".into(),
            visibility: kefu_domain::message::Visibility::Internal,
            status: None,
            channel: None,
            recipients: None,
        };
        for command in [note, reply] {
            let posted = kefu_app::tickets::post_message::post(&h.app, li, kefu_app::tickets::TicketRef::Id(ticket), command).await.unwrap();
            h.app.published(posted);
        }
        let line = visitor.next_where(|f| matches!(f, ServerFrame::Message { note: None, .. })).await;
        assert!(matches!(&line, ServerFrame::Message { seq: 3, text, .. } if text == "We will send a new kettle today."), "{line:?}: the internal note reached the visitor");
    }
}

/// The tickets a search for `q` finds, as the queue's search box asks.
async fn searched(h: &Harness, q: &str) -> Vec<kefu_domain::ids::TicketId> {
    let query = kefu_api_types::queries::ListQuery {
        q: Some(q.into()),
        ..Default::default()
    };
    let page = kefu_app::tickets::list::list(&h.app, h.admin, query)
        .await
        .unwrap();
    page.items.into_iter().map(|t| t.id).collect()
}

test_both! {
    async fn lines_are_found_by_search_once_indexed_even_if_the_node_that_wrote_them_stopped(db: TestDb) {
        use kefu_app::chat::indexing::{index_left_behind, index_pending};
        let h = Harness::start(db).await;
        let mut visitor = h.visitor(&"x".repeat(43), Vec::new()).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (_agent, _) = h.agent_socket(li).await;
        visitor.send(&start(None)).await;
        let ServerFrame::Started { ticket, .. } = visitor.next_where(|f| matches!(f, ServerFrame::Started { .. })).await else { panic!() };
        visitor.send(&line("s-1", "the kettle 漏水 at the base")).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        assert_eq!(index_pending(&h.app).await.unwrap(), 1, "the line written on this node");
        assert_eq!(searched(&h, "漏水").await, [ticket]);

        // A line whose node stops before indexing it: another node's sweep finds it.
        visitor.send(&line("s-2", "and the lid 裂缝 too")).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        let other = kefu_app::App::new(h.app.store.clone(), None, Default::default()).unwrap();
        assert_eq!(index_pending(&other).await.unwrap(), 0, "the other node wrote nothing");
        assert_eq!(index_left_behind(&other).await.unwrap(), 1);
        assert_eq!(searched(&h, "裂缝").await, [ticket]);
        // Each line is indexed once: the node that wrote it finds nothing left to do.
        assert_eq!(index_pending(&h.app).await.unwrap(), 0);
        assert_eq!(index_left_behind(&h.app).await.unwrap(), 0);
        assert_eq!(searched(&h, "漏水").await, [ticket]);
    }
}

test_both! {
    async fn an_agent_who_accepts_gets_every_line_even_those_written_while_it_was_offered(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut agent, _) = h.agent_socket(li).await;
        let mut visitor = h.visitor(&"o".repeat(43), Vec::new()).await;
        visitor.send(&start(Some("hello"))).await;
        agent.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        // The visitor writes on while the offer waits.
        visitor.send(&line("v-1", "are you there?")).await;
        let ServerFrame::Ack { ticket, .. } = visitor.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await else { panic!() };
        agent.send(&ClientFrame::Accept { ticket }).await;
        let mut seqs = std::collections::BTreeSet::new();
        while seqs.len() < 3 {
            if let ServerFrame::Message { seq, .. } = agent.next().await {
                seqs.insert(seq);
            }
        }
        assert_eq!(seqs.into_iter().collect::<Vec<_>>(), [1, 2, 3], "the first line too, not only the ones that came live");
    }
}

test_both! {
    async fn read_marks_are_kept_and_shown_again_after_a_reload(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut agent, _) = h.agent_socket(li).await;
        let key = "m".repeat(43);
        let mut visitor = h.visitor(&key, Vec::new()).await;
        visitor.send(&start(Some("hello"))).await;
        let ServerFrame::Started { ticket, .. } = visitor.next_where(|f| matches!(f, ServerFrame::Started { .. })).await else { panic!() };
        agent.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        agent.send(&ClientFrame::Accept { ticket }).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        agent.send(&ClientFrame::Send { ticket: Some(ticket), client_id: "a-1".into(), text: "Hi!".into() }).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Message { seq: 3, .. })).await;

        // Each side reads; a mark past the last line counts only up to it.
        agent.send(&ClientFrame::Read { ticket: Some(ticket), up_to: 1 }).await;
        assert_eq!(visitor.next_where(|f| matches!(f, ServerFrame::Read { .. })).await, ServerFrame::Read { ticket, up_to: 1 });
        visitor.send(&ClientFrame::Read { ticket: None, up_to: 99 }).await;
        assert_eq!(agent.next_where(|f| matches!(f, ServerFrame::Read { .. })).await, ServerFrame::Read { ticket, up_to: 3 });
        // A mark that moves nothing is not passed on again (a ping answered is a barrier:
        // the mark before it was handled).
        visitor.send(&ClientFrame::Read { ticket: None, up_to: 1 }).await;
        visitor.send(&ClientFrame::Ping { nonce: Some(1) }).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Pong { .. })).await;
        let again = tokio::time::timeout(
            std::time::Duration::from_millis(300),
            agent.next_where(|f| matches!(f, ServerFrame::Read { .. })),
        )
        .await;
        assert!(again.is_err(), "a mark that moved nothing was passed on: {again:?}");
        // Someone else's chat cannot be marked.
        let mut stranger = h.visitor(&"n".repeat(43), Vec::new()).await;
        stranger.send(&ClientFrame::Read { ticket: Some(ticket), up_to: 3 }).await;
        let refused = stranger.next_where(|f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "not_found"), "{refused:?}");

        // The visitor reloads: after the lines, the agent's mark ("Read" under their line).
        drop(visitor);
        let mut reloaded = h.visitor(&key, vec![Resume { ticket, after: 0 }]).await;
        let mut seen = Vec::new();
        loop {
            match reloaded.next().await {
                ServerFrame::Message { seq, .. } => seen.push(format!("line {seq}")),
                ServerFrame::Read { up_to, .. } => {
                    seen.push(format!("read {up_to}"));
                    break;
                }
                _ => {}
            }
        }
        assert_eq!(seen, ["line 1", "line 2", "line 3", "read 1"]);

        // The agent's console reloads: it shows how far the visitor read.
        drop(agent);
        let (mut console, _) = h.agent_socket(li).await;
        let read = console.next_where(|f| matches!(f, ServerFrame::Read { .. })).await;
        assert_eq!(read, ServerFrame::Read { ticket, up_to: 3 });
    }
}
