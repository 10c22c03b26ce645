//! Routing: chats go to online agents with room, least busy first; the rest wait with their
//! place; transfers and declines; the offline form when nobody is online.

use kefu_api_types::chat::{ChatNote, ClientFrame, Handover, ServerFrame, TransferTo};
use kefu_domain::chat::{ChatSource, ConversationState};
use kefu_domain::ticket::Stage;
use kefu_testkit::test_both;

use crate::protocol::start;
use crate::support::{CONSOLE, Client, Harness, SHOP, team};

async fn started(visitor: &mut crate::support::Client) -> kefu_domain::ids::TicketId {
    visitor.send(&start(None)).await;
    let ServerFrame::Started { ticket, .. } = visitor
        .next_where(|f| matches!(f, ServerFrame::Started { .. }))
        .await
    else {
        unreachable!()
    };
    ticket
}

test_both! {
    async fn chats_go_to_agents_with_room_and_the_rest_wait_their_turn(db: TestDb) {
        let h = Harness::start(db).await;
        h.chat_settings(h.team, true, 1, 60).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let chen = h.agent("chen@example.com", "Chen Wei", &[h.team]).await;
        let (mut a, _) = h.agent_socket(li).await;
        let (mut b, _) = h.agent_socket(chen).await;

        let mut v1 = h.visitor(&"1".repeat(43), Vec::new()).await;
        let t1 = started(&mut v1).await;
        let mut v2 = h.visitor(&"2".repeat(43), Vec::new()).await;
        let t2 = started(&mut v2).await;
        let mut v3 = h.visitor(&"3".repeat(43), Vec::new()).await;
        let t3 = started(&mut v3).await;

        let ServerFrame::Offered { chat: to_a } = a.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await else { panic!() };
        let ServerFrame::Offered { chat: to_b } = b.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await else { panic!() };
        let mut offered = [to_a.ticket, to_b.ticket];
        offered.sort();
        let mut first_two = [t1, t2];
        first_two.sort();
        assert_eq!(offered, first_two, "the two oldest chats, one each (capacity 1)");
        let place = v3.next_where(|f| matches!(f, ServerFrame::QueuePosition { ticket, .. } if *ticket == t3)).await;
        assert!(matches!(place, ServerFrame::QueuePosition { position: 1, expected_wait_seconds: None, .. }), "{place:?}");

        // Li declines: the chat is offered to nobody else with room, so it waits ahead of v3.
        a.send(&ClientFrame::Decline { ticket: to_a.ticket }).await;
        a.next_where(|f| matches!(f, ServerFrame::QueueRemoved { .. })).await;
        // Chen accepts theirs, and takes the declined one from the queue? No room: refused.
        b.send(&ClientFrame::Accept { ticket: to_b.ticket }).await;
        let ServerFrame::Assigned { .. } = (if to_b.ticket == t1 { &mut v1 } else { &mut v2 })
            .next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await else { panic!() };
        // Li takes v3's chat straight from the queue.
        a.send(&ClientFrame::Take { ticket: t3 }).await;
        let assigned = v3.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        assert_eq!(assigned, ServerFrame::Assigned { ticket: t3, agent: "Li Na".into() });
    }
}

test_both! {
    async fn a_chat_is_transferred_to_another_team_with_a_note(db: TestDb) {
        let h = Harness::start(db).await;
        let orders = team(&h.app, h.admin, "Orders", &[]).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let zhao = h.agent("zhao@example.com", "Zhao Lei", &[orders]).await;
        let (mut a, _) = h.agent_socket(li).await;
        let (mut z, _) = h.agent_socket(zhao).await;
        let mut v = h.visitor(&"t".repeat(43), Vec::new()).await;
        let ticket = started(&mut v).await;
        a.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        a.send(&ClientFrame::Accept { ticket }).await;
        v.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;

        a.send(&ClientFrame::Transfer { ticket, to: TransferTo::Team(orders), note: Some("Order 1042 is late".into()) }).await;
        let seen_by_visitor = v.next_where(|f| matches!(f, ServerFrame::Transferred { .. })).await;
        assert_eq!(seen_by_visitor, ServerFrame::Transferred { ticket, team: orders, note: None }, "the note is for agents only");
        let ServerFrame::Offered { chat } = z.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await else { panic!() };
        assert_eq!((chat.ticket, chat.team), (ticket, orders));
        // The ticket shows the chat offered to Zhao, and where the visitor started it.
        let on_ticket = || kefu_app::chat::on_ticket::show(&h.app, li, kefu_app::tickets::TicketRef::Id(ticket));
        let shown = on_ticket().await.unwrap();
        assert_eq!(
            (shown.source, shown.state, shown.agent.map(|a| a.name), shown.page_url.as_deref(), shown.language.as_deref()),
            (ChatSource::Live, Some(ConversationState::Offered), Some("Zhao Lei".to_owned()), Some("https://shop.example.com/kettles/k2"), Some("zh-CN")),
        );
        let handover = Handover { from: "Li Na".into(), note: Some("Order 1042 is late".into()) };
        assert_eq!(chat.handover.as_ref(), Some(&handover), "the agent taking it over sees who passed it on, and why");
        let (_z2, chats) = h.agent_socket(zhao).await;
        assert_eq!(chats.iter().find(|c| c.ticket == ticket).and_then(|c| c.handover.as_ref()), Some(&handover), "and so does a console opened later");
        z.send(&ClientFrame::Accept { ticket }).await;
        let assigned = v.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        assert_eq!(assigned, ServerFrame::Assigned { ticket, agent: "Zhao Lei".into() });
        let shown = on_ticket().await.unwrap();
        assert_eq!((shown.state, shown.agent.map(|a| a.name)), (Some(ConversationState::Serving), Some("Zhao Lei".to_owned())));
        // The visitor's conversation says so where it happened, after a reload too: Li
        // joined, it was passed on to Orders, Zhao joined.
        let mut back = h.visitor(&"t".repeat(43), Vec::new()).await;
        let mut notes = Vec::new();
        while notes.len() < 3 {
            if let ServerFrame::Message { seq, note: Some(note), .. } = back.next().await {
                notes.push((seq, note));
            }
        }
        assert_eq!(notes, [
            (1, ChatNote::Joined { agent: "Li Na".into() }),
            (2, ChatNote::Transferred),
            (3, ChatNote::Joined { agent: "Zhao Lei".into() }),
        ]);
        // Zhao reloads the console: the chat comes back with the visitor's details and the note.
        let (mut reloaded, _) = h.agent_socket(zhao).await;
        let ServerFrame::Serving { chat } = reloaded.next_where(|f| matches!(f, ServerFrame::Serving { .. })).await else { panic!() };
        assert_eq!((chat.ticket, chat.handover.as_ref()), (ticket, Some(&handover)));
        let stored = h.app.store.read(move |c| kefu_store::tickets::find(c, ticket)).await.unwrap();
        assert_eq!((stored.team, stored.assignee), (Some(orders), Some(zhao.user)));
        let notes = h.app.store
            .read(move |c| kefu_store::messages::searchable_texts(c, &[ticket]))
            .await
            .unwrap();
        assert!(notes[&ticket].iter().any(|(_, _, body)| body == "Order 1042 is late"));
        // Zhao ends it: the ticket says so, and when, and names no agent the chat is with.
        reloaded.send(&ClientFrame::End { ticket: Some(ticket) }).await;
        v.next_where(|f| matches!(f, ServerFrame::Ended { .. })).await;
        let shown = on_ticket().await.unwrap();
        assert_eq!((shown.state, &shown.agent), (Some(ConversationState::Ended), &None));
        assert!(shown.ended_at.is_some_and(|ended| ended >= shown.started_at), "{shown:?}");
    }
}

test_both! {
    async fn with_nobody_online_the_visitor_leaves_a_message_that_becomes_a_ticket(db: TestDb) {
        let h = Harness::start(db).await;
        let mut v = h.visitor(&"n".repeat(43), Vec::new()).await;
        let ServerFrame::Availability { open_stages } = v.next().await else { panic!() };
        assert!(open_stages.is_empty(), "nobody is online");
        v.send(&start(Some("anyone?"))).await;
        let refused = v.next().await;
        assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "chat_offline"), "{refused:?}");
        v.send(&ClientFrame::LeaveMessage {
            stage: Stage::PreSale, name: "Zhang Min".into(), email: "".into(),
            text: "Do you ship to Chengdu?".into(), page_url: None, language: None,
        }).await;
        assert!(matches!(v.next().await, ServerFrame::Error { ref code, .. } if code == "email_required"));
        v.send(&ClientFrame::LeaveMessage {
            stage: Stage::PreSale, name: "Zhang Min".into(), email: "zhang.min@example.com".into(),
            text: "Do you ship to Chengdu?".into(),
            page_url: Some(format!("{SHOP}/kettles/k2?token=secret")), language: Some("zh-CN".into()),
        }).await;
        let ServerFrame::MessageLeft { ticket, number } = v.next().await else { panic!() };
        let stored = h.app.store.read(move |c| kefu_store::tickets::find(c, ticket)).await.unwrap();
        assert_eq!((stored.number.get(), stored.team, stored.stage), (number, Some(h.team), Stage::PreSale));
        assert_eq!(stored.channel, kefu_domain::ticket::Channel::Chat);

        // The agent answering it sees where the visitor was when they left it (a secret in
        // the page's address is not kept).
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let shown = kefu_app::chat::on_ticket::show(&h.app, li, kefu_app::tickets::TicketRef::Id(ticket)).await.unwrap();
        assert_eq!(
            (shown.source, shown.state, shown.agent, shown.page_url.as_deref(), shown.language.as_deref(), shown.ended_at),
            (ChatSource::MessageLeft, None, None, Some(format!("{SHOP}/kettles/k2").as_str()), Some("zh-CN"), None),
        );

        // An agent answers it later from the ticket page: the answer goes by mail.
        let answer = kefu_app::tickets::post_message::PostMessage {
            body: "Yes, in two days.".into(),
            visibility: kefu_domain::message::Visibility::Public,
            status: None,
            channel: None,
            recipients: None,
        };
        let posted = kefu_app::tickets::post_message::post(&h.app, li, kefu_app::tickets::TicketRef::Id(ticket), answer)
            .await
            .unwrap();
        h.app.published(posted);
        let queued = h.app.store
            .write(|conn| {
                kefu_store::mail::outbox::claim_due(conn, kefu_domain::time::now() + chrono::Duration::hours(1), 100, chrono::Duration::seconds(1))
            })
            .await
            .unwrap();
        let mails: Vec<_> = queued.iter().filter(|e| e.ticket == Some(ticket)).collect();
        assert_eq!(mails.len(), 1, "the answer to a message left on the offline form is mailed");
        assert!(mails[0].payload.contains("zhang.min@example.com"), "{}", mails[0].payload);
    }
}

test_both! {
    async fn an_open_widget_sees_chat_open_and_close_as_agents_come_and_go(db: TestDb) {
        use kefu_domain::chat::Presence;

        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let mut v = h.visitor(&"w".repeat(43), Vec::new()).await;
        let availability = |f: &ServerFrame| matches!(f, ServerFrame::Availability { .. });
        let ServerFrame::Availability { open_stages } = v.next().await else { panic!() };
        assert!(open_stages.is_empty(), "nobody is online: the offline form");

        // Li comes online: the visitor's form opens without a reload.
        let (mut console, _) = h.agent_socket(li).await;
        let ServerFrame::Availability { open_stages } = v.next_where(availability).await else { panic!() };
        assert_eq!(open_stages.len(), 3, "every stage goes to Li's team");
        // Li goes away, then comes back; then the admin closes chat for the team.
        console.send(&ClientFrame::Presence { presence: Presence::Away }).await;
        let ServerFrame::Availability { open_stages } = v.next_where(availability).await else { panic!() };
        assert!(open_stages.is_empty(), "away takes no chats");
        console.send(&ClientFrame::Presence { presence: Presence::Online }).await;
        let ServerFrame::Availability { open_stages } = v.next_where(availability).await else { panic!() };
        assert_eq!(open_stages.len(), 3);
        h.chat_settings(h.team, false, 3, 60).await;
        let ServerFrame::Availability { open_stages } = v.next_where(availability).await else { panic!() };
        assert!(open_stages.is_empty(), "chat is closed for the team");
        h.chat_settings(h.team, true, 3, 60).await;
        let ServerFrame::Availability { open_stages } = v.next_where(availability).await else { panic!() };
        assert_eq!(open_stages.len(), 3);
        // The admin sends pre-sale chats to a team with nobody online.
        let sales = team(&h.app, h.admin, "Pre-sales", &[]).await;
        let request = kefu_api_types::widgets::WidgetRequest {
            name: "Shop".into(), origins: vec![crate::support::SHOP.into()], colour: None, position: None,
            greeting_en: None, greeting_zh: None,
            pre_sale_team_id: Some(sales), in_sale_team_id: Some(h.team), after_sale_team_id: Some(h.team),
        };
        kefu_app::chat::admin::update_widget(&h.app, h.admin, kefu_app::audit::Origin::cli(), h.widget, request)
            .await
            .unwrap();
        let ServerFrame::Availability { open_stages } = v.next_where(availability).await else { panic!() };
        assert_eq!(open_stages, vec![Stage::InSale, Stage::AfterSale], "nobody of Pre-sales is online");
        // Li's console closes: the widget falls back to the offline form.
        drop(console);
        let ServerFrame::Availability { open_stages } = v.next_where(availability).await else { panic!() };
        assert!(open_stages.is_empty(), "the last agent left");
    }
}

/// A console's socket for `agent`, with the first thing it learns about its own agent (their
/// own presence), or the queue snapshot if that comes first.
async fn own_presence(
    h: &Harness,
    agent: kefu_domain::permissions::Actor,
) -> (Client, ServerFrame) {
    let token = h.socket_ticket(agent).await;
    let mut client = Client::connect(&h.url, Some(CONSOLE)).await.unwrap();
    client.hello(&token, Vec::new()).await;
    let first = client
        .next_where(|f| {
            matches!(
                f,
                ServerFrame::OwnPresence { .. } | ServerFrame::QueueSnapshot { .. }
            )
        })
        .await;
    (client, first)
}

test_both! {
    async fn an_agent_coming_back_is_told_the_presence_they_chose(db: TestDb) {
        use kefu_domain::chat::Presence;

        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut console, first) = own_presence(&h, li).await;
        assert_eq!(first, ServerFrame::OwnPresence { presence: Presence::Online }, "online the first time");

        // Li goes offline and reloads the console: it says offline, as the gateway has it.
        console.send(&ClientFrame::Presence { presence: Presence::Offline }).await;
        console
            .next_where(|f| matches!(f, ServerFrame::OwnPresence { presence: Presence::Offline }))
            .await;
        drop(console);
        let (_again, first) = own_presence(&h, li).await;
        assert_eq!(first, ServerFrame::OwnPresence { presence: Presence::Offline });
    }
}

test_both! {
    async fn a_declined_chat_is_not_offered_back_to_the_agent_who_declined_it(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut console, _) = h.agent_socket(li).await;
        console.settled().await;
        let mut visitor = h.visitor(&"4".repeat(43), Vec::new()).await;
        let ticket = started(&mut visitor).await;
        console.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await;

        // Li, the only agent online, declines: the router (every second on the node, and twice
        // more here) leaves the chat waiting.
        console.send(&ClientFrame::Decline { ticket }).await;
        console.next_where(|f| matches!(f, ServerFrame::QueueRemoved { ticket: t } if *t == ticket)).await;
        for _ in 0..2 {
            h.app.announce(kefu_app::chat::routing::sweep(&h.app).await.unwrap());
        }
        let again = tokio::time::timeout(
            std::time::Duration::from_millis(1_500),
            console.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)),
        )
        .await;
        assert!(again.is_err(), "offered back to the agent who declined it: {again:?}");
        let chat = h
            .app
            .store
            .read(move |conn| kefu_store::chat::conversations::find(conn, ticket))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(chat.conversation.state, kefu_domain::chat::ConversationState::Waiting);

        // Li can still take it from the queue.
        console.send(&ClientFrame::Take { ticket }).await;
        let assigned = visitor.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        assert_eq!(assigned, ServerFrame::Assigned { ticket, agent: "Li Na".into() });
    }
}

test_both! {
    async fn an_offer_left_unanswered_goes_to_someone_else_not_back_to_the_absent_agent(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let wang = h.agent("wang@example.com", "Wang Fang", &[h.team]).await;
        let (mut console, _) = h.agent_socket(li).await;
        console.settled().await;
        let mut visitor = h.visitor(&"5".repeat(43), Vec::new()).await;
        let ticket = started(&mut visitor).await;
        console.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await;

        // Li, at lunch with the console open, leaves the offer unanswered past its 30 seconds
        // (the offer is dated back rather than waited for).
        h.app
            .store
            .write(move |conn| {
                use kefu_store::chat::conversations;
                let before = conversations::find(conn, ticket)?.unwrap();
                let after = conversations::Chat {
                    offered_at: Some(kefu_domain::time::now() - chrono::Duration::seconds(31)),
                    ..before.clone()
                };
                assert!(conversations::save_move(conn, &before, &after)?);
                Ok::<_, kefu_store::StoreError>(())
            })
            .await
            .unwrap();
        for _ in 0..3 {
            h.app.announce(kefu_app::chat::routing::sweep(&h.app).await.unwrap());
        }
        console.next_where(|f| matches!(f, ServerFrame::QueueRemoved { ticket: t } if *t == ticket)).await;
        let again = tokio::time::timeout(
            std::time::Duration::from_millis(1_500),
            console.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)),
        )
        .await;
        assert!(again.is_err(), "offered back to the agent who let it lapse: {again:?}");

        // Wang comes online and is offered it; Li could still take it from the queue.
        let (mut other, _) = h.agent_socket(wang).await;
        other.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await;
    }
}

test_both! {
    async fn a_chat_whose_agent_left_after_a_transfer_waits_without_the_old_note(db: TestDb) {
        let h = Harness::start(db).await;
        let orders = team(&h.app, h.admin, "Orders", &[]).await;
        // No grace in Orders: an agent who leaves has their chats offered again at once.
        h.chat_settings(orders, true, 3, 0).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let zhao = h.agent("zhao@example.com", "Zhao Lei", &[orders]).await;
        let wu = h.agent("wu@example.com", "Wu Hao", &[orders]).await;
        let (mut a, _) = h.agent_socket(li).await;
        let (mut z, _) = h.agent_socket(zhao).await;
        let mut v = h.visitor(&"6".repeat(43), Vec::new()).await;
        let ticket = started(&mut v).await;
        a.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        a.send(&ClientFrame::Accept { ticket }).await;
        a.send(&ClientFrame::Transfer { ticket, to: TransferTo::Team(orders), note: Some("Refund approved".into()) }).await;
        z.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await;
        z.send(&ClientFrame::Accept { ticket }).await;
        v.next_where(|f| matches!(f, ServerFrame::Assigned { agent, .. } if agent == "Zhao Lei")).await;

        // Zhao closes the console; Wu, online in Orders, is offered the chat without Li's note,
        // which was for Zhao.
        let (mut w, _) = h.agent_socket(wu).await;
        drop(z);
        let ServerFrame::Offered { chat } = w.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await else { panic!() };
        assert_eq!(chat.handover, None);
        // The visitor is told Zhao left and the chat waits for someone else.
        let left = v.next_where(|f| matches!(f, ServerFrame::Message { note: Some(ChatNote::Requeued { .. }), .. })).await;
        assert!(matches!(left, ServerFrame::Message { note: Some(ChatNote::Requeued { ref agent }), .. } if agent == "Zhao Lei"), "{left:?}");
    }
}

test_both! {
    async fn an_agent_away_past_the_grace_period_is_told_the_chat_left_them(db: TestDb) {
        use kefu_domain::chat::Presence;

        let h = Harness::start(db).await;
        // No grace: an agent who goes away has their chats offered again at the next round.
        h.chat_settings(h.team, true, 3, 0).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut a, _) = h.agent_socket(li).await;
        let mut v = h.visitor(&"7".repeat(43), Vec::new()).await;
        let ticket = started(&mut v).await;
        a.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await;
        a.send(&ClientFrame::Accept { ticket }).await;
        v.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;

        // Li goes away but keeps the console open: the chat waits again, and Li's console
        // learns it in the conversation, as the visitor does.
        a.send(&ClientFrame::Presence { presence: Presence::Away }).await;
        a.next_where(|f| matches!(f, ServerFrame::OwnPresence { presence: Presence::Away })).await;
        h.app.announce(kefu_app::chat::routing::sweep(&h.app).await.unwrap());
        let requeued = |f: &ServerFrame| {
            matches!(f, ServerFrame::Message { ticket: t, note: Some(ChatNote::Requeued { agent }), .. }
                if *t == ticket && agent == "Li Na")
        };
        a.next_where(requeued).await;
        v.next_where(requeued).await;
        // What Li writes now is refused: the chat is no longer theirs.
        a.send(&ClientFrame::Send { ticket: Some(ticket), client_id: "late".into(), text: "Still here".into() }).await;
        let refused = a.next_where(|f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "forbidden"), "{refused:?}");

        // Zhao takes it. Li's console reconnects, following the chat it still shows: it gets
        // the lines, but no `assigned` (a console reads that as the chat being its own).
        let zhao = h.agent("zhao@example.com", "Zhao Lei", &[h.team]).await;
        let (mut z, _) = h.agent_socket(zhao).await;
        z.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await;
        z.send(&ClientFrame::Accept { ticket }).await;
        v.next_where(|f| matches!(f, ServerFrame::Assigned { agent, .. } if agent == "Zhao Lei")).await;
        drop(a);
        let token = h.socket_ticket(li).await;
        let mut again = crate::support::Client::connect(&h.url, Some(crate::support::CONSOLE)).await.unwrap();
        again.hello(&token, vec![kefu_api_types::chat::Resume { ticket, after: 0 }]).await;
        again.send(&ClientFrame::Ping { nonce: Some(7) }).await;
        let mut frames = Vec::new();
        loop {
            let frame = again.next().await;
            if frame == (ServerFrame::Pong { nonce: Some(7) }) {
                break;
            }
            frames.push(frame);
        }
        assert!(frames.iter().any(requeued), "the lines are there: {frames:?}");
        assert!(!frames.iter().any(|f| matches!(f, ServerFrame::Assigned { .. })), "{frames:?}");
    }
}

test_both! {
    async fn a_chat_still_waiting_is_offered_again_once_the_decline_is_old(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut console, _) = h.agent_socket(li).await;
        let mut visitor = h.visitor(&"6".repeat(43), Vec::new()).await;
        let ticket = started(&mut visitor).await;
        console.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await;
        console.send(&ClientFrame::Decline { ticket }).await;
        console.next_where(|f| matches!(f, ServerFrame::QueueRemoved { ticket: t } if *t == ticket)).await;

        // Nobody took it, and Li's decline is older than the router remembers (dated back
        // rather than waited for): Li, still the only one online, is offered it again.
        let user = li.user;
        h.app
            .store
            .write(move |conn| {
                let old = kefu_domain::time::now()
                    - chrono::TimeDelta::from_std(kefu_app::chat::routing::DECLINE_REMEMBERED).unwrap()
                    - chrono::Duration::seconds(1);
                kefu_store::chat::declines::record(conn, ticket, user, old)
            })
            .await
            .unwrap();
        h.app.announce(kefu_app::chat::routing::sweep(&h.app).await.unwrap());
        console.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)).await;
        console.send(&ClientFrame::Accept { ticket }).await;
        let assigned = visitor.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        assert_eq!(assigned, ServerFrame::Assigned { ticket, agent: "Li Na".into() });
    }
}

test_both! {
    async fn a_chat_passed_on_to_a_team_is_never_offered_back_to_the_agent_who_passed_it(db: TestDb) {
        let h = Harness::start(db).await;
        let orders = team(&h.app, h.admin, "Orders", &[]).await;
        // Li is in both teams and the only one online: the chat waits for a colleague.
        let li = h.agent("li@example.com", "Li Na", &[h.team, orders]).await;
        let (mut a, _) = h.agent_socket(li).await;
        a.settled().await;
        let mut v = h.visitor(&"u".repeat(43), Vec::new()).await;
        let ticket = started(&mut v).await;
        a.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        a.send(&ClientFrame::Accept { ticket }).await;
        v.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;
        a.send(&ClientFrame::Transfer { ticket, to: TransferTo::Team(orders), note: None }).await;
        v.next_where(|f| matches!(f, ServerFrame::Transferred { .. })).await;

        // Long after a decline would be forgotten (the transfer dated back an hour).
        let user = li.user;
        h.app
            .store
            .write(move |conn| {
                let old = kefu_domain::time::now() - chrono::Duration::hours(1);
                kefu_store::chat::declines::passed_on(conn, ticket, user, old)
            })
            .await
            .unwrap();
        h.app.announce(kefu_app::chat::routing::sweep(&h.app).await.unwrap());
        let back = tokio::time::timeout(
            std::time::Duration::from_millis(1_500),
            a.next_where(|f| matches!(f, ServerFrame::Offered { chat } if chat.ticket == ticket)),
        )
        .await;
        assert!(back.is_err(), "offered back to the agent who passed it on: {back:?}");
    }
}

test_both! {
    async fn a_chat_goes_to_an_agent_who_is_online_and_not_to_one_who_is_not(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let zhao = h.agent("zhao@example.com", "Zhao Lei", &[h.team]).await;
        let (mut a, _) = h.agent_socket(li).await;
        let mut v = h.visitor(&"w".repeat(43), Vec::new()).await;
        let ticket = started(&mut v).await;
        a.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        a.send(&ClientFrame::Accept { ticket }).await;
        v.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;

        // Zhao is not online: refused, and Li keeps the chat.
        a.send(&ClientFrame::Transfer { ticket, to: TransferTo::Agent(zhao.user), note: None }).await;
        let refused = a.next_where(|f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "agent_not_online"), "{refused:?}");
        let chat = h.app.store.read(move |c| kefu_store::chat::conversations::find(c, ticket)).await.unwrap().unwrap();
        assert_eq!(chat.conversation.agent, Some(li.user));

        // Zhao comes online: the chat is offered to them, with who passed it on.
        let (mut z, _) = h.agent_socket(zhao).await;
        a.send(&ClientFrame::Transfer { ticket, to: TransferTo::Agent(zhao.user), note: Some("Knows this model".into()) }).await;
        let ServerFrame::Offered { chat } = z.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await else { panic!() };
        assert_eq!(chat.ticket, ticket);
        assert_eq!(chat.handover, Some(Handover { from: "Li Na".into(), note: Some("Knows this model".into()) }));
    }
}

test_both! {
    async fn a_waiting_chat_whose_visitor_left_is_ended_and_one_whose_visitor_stays_waits_on(db: TestDb) {
        let h = Harness::start(db).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut console, _) = h.agent_socket(li).await;
        let gone_key = "x".repeat(43);
        let mut gone = h.visitor(&gone_key, Vec::new()).await;
        let left = started(&mut gone).await;
        let mut staying = h.visitor(&"y".repeat(43), Vec::new()).await;
        let stays = started(&mut staying).await;
        // Li declines both (the only agent): they wait.
        let mut offered = Vec::new();
        while offered.len() < 2 {
            if let ServerFrame::Offered { chat } = console.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await {
                offered.push(chat.ticket);
            }
        }
        for ticket in [left, stays] {
            console.send(&ClientFrame::Decline { ticket }).await;
            console.next_where(|f| matches!(f, ServerFrame::QueueRemoved { ticket: t } if *t == ticket)).await;
        }
        drop(gone);

        // Both were last renewed long ago (dated back rather than waited for); then this
        // node renews the visitor who is still connected, as it does every few seconds.
        h.app
            .store
            .write(move |conn| {
                let old = kefu_domain::time::now() - chrono::Duration::minutes(10);
                kefu_store::chat::visitors_here::renew(conn, &[left, stays], old)
            })
            .await
            .unwrap();
        kefu_app::chat::abandoned::renew(&h.app, vec![stays], kefu_domain::time::now()).await.unwrap();
        h.app.announce(kefu_app::chat::routing::sweep(&h.app).await.unwrap());

        // It leaves the waiting list of Li's console.
        console.next_where(|f| matches!(f, ServerFrame::QueueRemoved { ticket } if *ticket == left)).await;
        let find = |ticket| {
            let app = h.app.clone();
            async move {
                app.store.read(move |c| kefu_store::chat::conversations::find(c, ticket)).await.unwrap().unwrap()
            }
        };
        let ended = find(left).await;
        assert_eq!((ended.conversation.state, ended.ended_by.as_deref()), (kefu_domain::chat::ConversationState::Ended, Some("system")));
        assert_eq!(find(stays).await.conversation.state, kefu_domain::chat::ConversationState::Waiting);

        // The visitor who left comes back: their chat says it ended, by Kefu.
        let mut back = h.visitor(&gone_key, Vec::new()).await;
        let mut notes = Vec::new();
        let frame = loop {
            match back.next().await {
                ServerFrame::Message { note: Some(note), .. } => notes.push(note),
                ended @ ServerFrame::Ended { .. } => break ended,
                _ => {}
            }
        };
        assert!(matches!(frame, ServerFrame::Ended { ticket, by: kefu_api_types::chat::AuthorKind::System, .. } if ticket == left), "{frame:?}");
        assert_eq!(notes, [ChatNote::Ended { by: kefu_api_types::chat::AuthorKind::System, agent: None }], "the note among its lines");
    }
}

test_both! {
    async fn the_agents_online_now_are_listed_to_pass_a_chat_to(db: TestDb) {
        let h = Harness::start(db).await;
        let orders = team(&h.app, h.admin, "Orders", &[]).await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let zhao = h.agent("zhao@example.com", "Zhao Lei", &[orders]).await;
        let wu = h.agent("wu@example.com", "Wu Hao", &[orders]).await;
        let _offline = h.agent("ma@example.com", "Ma Li", &[orders]).await;
        let (mut a, _) = h.agent_socket(li).await;
        let (_z, _) = h.agent_socket(zhao).await;
        let (mut w, _) = h.agent_socket(wu).await;
        w.send(&ClientFrame::Presence { presence: kefu_domain::chat::Presence::Away }).await;
        w.next_where(|f| matches!(f, ServerFrame::OwnPresence { .. })).await;
        let mut v = h.visitor(&"o".repeat(43), Vec::new()).await;
        let ticket = started(&mut v).await;
        a.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        a.send(&ClientFrame::Accept { ticket }).await;
        v.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;

        // Wu is away and Ma never connected: neither can be passed a chat.
        let online = kefu_app::chat::presence::online_agents(&h.app, li).await.unwrap();
        let seen: Vec<_> = online.iter().map(|o| (o.name.as_str(), o.chats, o.teams.clone())).collect();
        assert_eq!(seen, [("Li Na", 1, vec![h.team]), ("Zhao Lei", 0, vec![orders])]);
    }
}
