//! A whole chat, frame by frame: the visitor starts it, waits, an agent accepts, they write
//! and type, the chat ends and the visitor rates it. The ticket holds the chat.

use kefu_api_types::chat::{AuthorKind, ChatNote, ClientFrame, ServerFrame};
use kefu_domain::ticket::Stage;
use kefu_store::chat::conversations;
use kefu_testkit::test_both;

use crate::support::Harness;

/// The pre-chat form.
pub fn start(text: Option<&str>) -> ClientFrame {
    ClientFrame::Start {
        stage: Stage::AfterSale,
        name: "Wang Fang".into(),
        email: Some("wang.fang@example.com".into()),
        text: text.map(Into::into),
        page_url: Some("https://shop.example.com/kettles/k2".into()),
        language: Some("zh-CN".into()),
    }
}

/// A line to send.
pub fn line(client_id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        ticket: None,
        client_id: client_id.into(),
        text: text.into(),
    }
}

test_both! {
    async fn a_visitor_and_an_agent_chat_from_start_to_rating(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut agent, queue) = h.agent_socket(li).await;
        assert!(queue.is_empty());

        let mut visitor = h.visitor("k".repeat(43).as_str(), Vec::new()).await;
        let ServerFrame::Availability { open_stages } = visitor.next().await else { panic!() };
        assert_eq!(open_stages.len(), 3, "Li is online, so every stage is open");

        visitor.send(&start(Some("我的水壶坏了 My kettle arrived broken"))).await;
        let ServerFrame::Started { ticket, number } = visitor.next().await else { panic!() };
        assert!(number > 0);
        let first = visitor.next_where(|f| matches!(f, ServerFrame::Message { .. })).await;
        assert!(matches!(&first, ServerFrame::Message { seq: 1, text, author, .. }
            if text.starts_with("我的水壶") && author.kind == AuthorKind::Visitor && author.name == "Wang Fang"));

        let offered = agent.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        let ServerFrame::Offered { chat } = offered else { unreachable!() };
        assert_eq!((chat.ticket, chat.visitor.as_str(), chat.offered_to), (ticket, "Wang Fang", Some(li.user)));

        agent.send(&ClientFrame::Accept { ticket }).await;
        let assigned = visitor.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        assert_eq!(assigned, ServerFrame::Assigned { ticket, agent: "Li Na".into() });
        let missed = agent.next_where(|f| matches!(f, ServerFrame::Message { .. })).await;
        assert!(matches!(missed, ServerFrame::Message { seq: 1, .. }), "the agent gets the line written before");
        // That Li joined is a line of the conversation, Kefu's, on both sides.
        let joined = ChatNote::Joined { agent: "Li Na".into() };
        for side in [&mut visitor, &mut agent] {
            let note = side.next_where(|f| matches!(f, ServerFrame::Message { seq: 2, .. })).await;
            assert!(matches!(&note, ServerFrame::Message { author, note: Some(n), text, .. }
                if author.kind == AuthorKind::System && *n == joined && text == "Li Na joined the chat. / Li Na 已加入对话。"), "{note:?}");
        }

        visitor.send(&ClientFrame::Typing { ticket: None, typing: true }).await;
        let typing = agent.next_where(|f| matches!(f, ServerFrame::Typing { .. })).await;
        assert!(matches!(typing, ServerFrame::Typing { typing: true, ref author, .. } if author.kind == AuthorKind::Visitor));

        agent.send(&ClientFrame::Send { ticket: Some(ticket), client_id: "a-1".into(), text: "很抱歉！Please send a photo.".into() }).await;
        let ack = agent.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        assert!(matches!(ack, ServerFrame::Ack { seq: 3, ref client_id, .. } if client_id == "a-1"));
        let reply = visitor.next_where(|f| matches!(f, ServerFrame::Message { .. })).await;
        assert!(matches!(&reply, ServerFrame::Message { seq: 3, author, .. } if author.kind == AuthorKind::Agent && author.name == "Li Na"));

        visitor.send(&line("v-1", "Here it is")).await;
        let ack = visitor.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        assert!(matches!(ack, ServerFrame::Ack { seq: 4, .. }));
        agent.next_where(|f| matches!(f, ServerFrame::Message { seq: 4, .. })).await;

        visitor.send(&ClientFrame::Rate { score: 5, comment: None, expectation: None }).await;
        let early = visitor.next_where(|f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(early, ServerFrame::Error { ref code, .. } if code == "chat_not_ended"));

        agent.send(&ClientFrame::End { ticket: Some(ticket) }).await;
        let ended = visitor.next_where(|f| matches!(f, ServerFrame::Ended { .. })).await;
        assert_eq!(ended, ServerFrame::Ended { ticket, by: AuthorKind::Agent, ask_expectation: true, rated: false });
        let note = visitor.next_where(|f| matches!(f, ServerFrame::Message { seq: 5, .. })).await;
        assert!(matches!(&note, ServerFrame::Message { note: Some(ChatNote::Ended { by: AuthorKind::Agent, agent: Some(name) }), .. } if name == "Li Na"), "{note:?}");
        visitor.send(&ClientFrame::Rate { score: 4, comment: Some("快 fast".into()), expectation: Some(kefu_domain::survey::Expectation::Better) }).await;
        assert_eq!(visitor.next_where(|f| matches!(f, ServerFrame::Rated { .. })).await, ServerFrame::Rated { ticket });
        // A chat is rated once: a second rating (after a reload, say) is refused, and a visitor
        // who comes back is told it is rated, so the widget thanks them instead of asking again.
        visitor.send(&ClientFrame::Rate { score: 1, comment: None, expectation: None }).await;
        let again = visitor.next_where(|f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(again, ServerFrame::Error { ref code, .. } if code == "chat_already_rated"), "{again:?}");
        // They read the notes where they happened, among the lines, before where it stands.
        let mut back = h.visitor("k".repeat(43).as_str(), Vec::new()).await;
        let mut replayed = Vec::new();
        let standing = loop {
            match back.next().await {
                ServerFrame::Message { seq, note, .. } => replayed.push((seq, note.is_some())),
                ended @ ServerFrame::Ended { .. } => break ended,
                _ => {}
            }
        };
        assert!(matches!(standing, ServerFrame::Ended { rated: true, .. }), "{standing:?}");
        assert_eq!(replayed, [(1, false), (2, true), (3, false), (4, false), (5, true)]);

        let chat = h.app.store.read(move |c| conversations::find(c, ticket)).await.unwrap().unwrap();
        assert_eq!((chat.rating, chat.rating_comment.as_deref()), (Some(4), Some("快 fast")));
        assert_eq!(chat.context.page_url.as_deref(), Some("https://shop.example.com/kettles/k2"));
        let stored = h.app.store.read(move |c| kefu_store::tickets::find(c, ticket)).await.unwrap();
        assert_eq!(stored.assignee, Some(li.user), "the ticket follows the chat");
        assert!(stored.first_responded_at.is_some());
        let lines = h.app.store
            .read(move |c| kefu_store::chat::lines::after(c, ticket, kefu_domain::chat::Sequence::new(0), 100))
            .await
            .unwrap();
        let texts: Vec<_> = lines.iter().map(|(_, m)| m.body.as_str()).collect();
        assert_eq!(texts, [
            "我的水壶坏了 My kettle arrived broken",
            "Li Na joined the chat. / Li Na 已加入对话。",
            "很抱歉！Please send a photo.",
            "Here it is",
            "Li Na ended the chat. / Li Na 结束了对话。",
        ]);
    }
}

test_both! {
    async fn pings_are_answered_and_bad_frames_get_errors(db: TestDb) {
        let h = Harness::start(db).await;
        let mut visitor = h.visitor("p".repeat(43).as_str(), Vec::new()).await;
        visitor.next().await; // availability
        visitor.send(&ClientFrame::Ping { nonce: Some(7) }).await;
        assert_eq!(visitor.next().await, ServerFrame::Pong { nonce: Some(7) });
        for bad in [r#"{"type":"shout"}"#, "not json", r#"{"type":"send","client_id":"x"}"#] {
            visitor.send_text(bad).await;
            assert!(matches!(visitor.next().await, ServerFrame::Error { ref code, .. } if code == "invalid_frame"), "{bad}");
        }
        visitor.send(&ClientFrame::Accept { ticket: kefu_domain::ids::TicketId::new() }).await;
        assert!(matches!(visitor.next().await, ServerFrame::Error { ref code, .. } if code == "forbidden"));
        visitor.send(&line("", "empty id")).await;
        assert!(matches!(visitor.next().await, ServerFrame::Error { ref code, .. } if code == "invalid_client_id"));
        visitor.send(&line("x-1", "no chat yet")).await;
        assert!(matches!(visitor.next().await, ServerFrame::Error { ref code, client_id: Some(ref id), .. } if code == "not_found" && id == "x-1"));
    }
}

test_both! {
    async fn the_agent_sees_the_page_the_visitor_moved_to(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut agent, _) = h.agent_socket(li).await;
        let key = "g".repeat(43);
        let mut visitor = h.visitor(&key, Vec::new()).await;
        visitor.send(&start(Some("Which kettle boils fastest?"))).await;
        let ServerFrame::Started { ticket, .. } = visitor.next_where(|f| matches!(f, ServerFrame::Started { .. })).await else { panic!() };
        agent.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        agent.send(&ClientFrame::Accept { ticket }).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;

        // The visitor opens the checkout: the widget there says where it is.
        drop(visitor);
        // What the address carries for the shop alone (a token, a fragment) is not kept.
        let checkout = "https://shop.example.com/checkout?step=2";
        let mut elsewhere = h.visitor(&key, Vec::new()).await;
        elsewhere.send(&ClientFrame::Page { url: format!("{checkout}&token=s3cret#pay") }).await;
        let moved = agent.next_where(|f| matches!(f, ServerFrame::VisitorPage { .. })).await;
        assert_eq!(moved, ServerFrame::VisitorPage { ticket, page_url: checkout.into() });
        // The same page again (a reload) tells nobody; a ping answered is a barrier.
        elsewhere.send(&ClientFrame::Page { url: checkout.into() }).await;
        elsewhere.send(&ClientFrame::Ping { nonce: Some(1) }).await;
        elsewhere.next_where(|f| matches!(f, ServerFrame::Pong { .. })).await;
        let again = tokio::time::timeout(
            std::time::Duration::from_millis(300),
            agent.next_where(|f| matches!(f, ServerFrame::VisitorPage { .. })),
        )
        .await;
        assert!(again.is_err(), "an unchanged page was passed on: {again:?}");
        // A console opened later shows where the visitor is now.
        let (mut reloaded, _) = h.agent_socket(li).await;
        let ServerFrame::Serving { chat } = reloaded.next_where(|f| matches!(f, ServerFrame::Serving { .. })).await else { panic!() };
        assert_eq!(chat.page_url.as_deref(), Some(checkout));
        // Only web addresses are pages.
        elsewhere.send(&ClientFrame::Page { url: "javascript:alert(1)".into() }).await;
        let refused = elsewhere.next_where(|f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "invalid_page_url"), "{refused:?}");
    }
}

test_both! {
    async fn each_frame_is_refused_to_the_side_it_is_not_for(db: TestDb) {
        use kefu_api_types::chat::TransferTo;
        use kefu_domain::chat::Presence;
        use kefu_domain::ids::TicketId;

        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut agent, _) = h.agent_socket(li).await;
        let mut visitor = h.visitor(&"f".repeat(43), Vec::new()).await;
        let ticket = TicketId::new();
        let agents_only = [
            ClientFrame::Accept { ticket },
            ClientFrame::Decline { ticket },
            ClientFrame::Take { ticket },
            ClientFrame::Transfer { ticket, to: TransferTo::Team(h.team), note: None },
            ClientFrame::Presence { presence: Presence::Away },
        ];
        for frame in agents_only {
            visitor.send(&frame).await;
            let refused = visitor.next_where(|f| matches!(f, ServerFrame::Error { .. })).await;
            assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "forbidden"), "{frame:?} from a visitor: {refused:?}");
        }
        let visitors_only = [
            start(Some("I am an agent")),
            ClientFrame::LeaveMessage {
                stage: Stage::PreSale,
                name: "Li Na".into(),
                email: "li@example.com".into(),
                text: "hi".into(),
                page_url: None,
                language: None,
            },
            ClientFrame::Rate { score: 5, comment: None, expectation: None },
            ClientFrame::Page { url: "https://shop.example.com/".into() },
        ];
        for frame in visitors_only {
            agent.send(&frame).await;
            let refused = agent.next_where(|f| matches!(f, ServerFrame::Error { .. })).await;
            assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "forbidden"), "{frame:?} from an agent: {refused:?}");
        }
    }
}
