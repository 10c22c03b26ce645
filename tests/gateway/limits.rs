//! Who may connect and how much they may send: origins, the hello deadline, frame sizes,
//! rates, sockets per address, and a stop that tells clients to go elsewhere.

use std::time::Duration;

use kefu_api_types::chat::{ClientFrame, PROTOCOL, ServerFrame};
use kefu_chat_gateway::GatewayConfig;
use kefu_testkit::test_both;

use crate::protocol::{line, start};
use crate::support::{CONSOLE, Client, Harness, SHOP, config};

test_both! {
    async fn sockets_from_other_websites_are_refused(db: TestDb) {
        let h = Harness::start(db).await;
        assert!(Client::connect(&h.url, None).await.is_err(), "no Origin, no socket");
        // A visitor token used from a site not on the widget's list.
        let token = h.visitor_token(&"e".repeat(43)).await;
        let mut evil = Client::connect(&h.url, Some("https://evil.example.net")).await.unwrap();
        evil.send(&ClientFrame::Hello { protocol: PROTOCOL, token, resume: vec![] }).await;
        assert!(matches!(evil.next().await, ServerFrame::Error { ref code, .. } if code == "origin_refused"));
        assert_eq!(evil.closed().await, Some(1008));
        // An agent's ticket from the shop's site.
        let agent = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let ticket = h.socket_ticket(agent).await;
        let mut wrong = Client::connect(&h.url, Some(SHOP)).await.unwrap();
        wrong.send(&ClientFrame::Hello { protocol: PROTOCOL, token: ticket.clone(), resume: vec![] }).await;
        assert!(matches!(wrong.next().await, ServerFrame::Error { ref code, .. } if code == "origin_refused"));
        // The ticket was used up by that attempt: single use.
        let mut late = Client::connect(&h.url, Some(CONSOLE)).await.unwrap();
        late.send(&ClientFrame::Hello { protocol: PROTOCOL, token: ticket, resume: vec![] }).await;
        assert!(matches!(late.next().await, ServerFrame::Error { ref code, .. } if code == "unauthenticated"));
        // The widget's session token is not an agent's ticket, and a made-up token is nothing.
        let mut forged = Client::connect(&h.url, Some(CONSOLE)).await.unwrap();
        forged.send(&ClientFrame::Hello { protocol: PROTOCOL, token: "a1.forged".into(), resume: vec![] }).await;
        assert!(matches!(forged.next().await, ServerFrame::Error { ref code, .. } if code == "unauthenticated"));
    }
}

test_both! {
    async fn a_socket_that_says_nothing_or_sends_too_much_is_closed(db: TestDb) {
        let h = Harness::start_with(db, GatewayConfig {
            hello_seconds: 1,
            max_frame_bytes: 2048,
            frames_per_10s: 5,
            connections_per_ip: 6,
            ..config()
        }).await;
        let mut silent = Client::connect(&h.url, Some(SHOP)).await.unwrap();
        let refused = silent.next().await;
        assert!(matches!(refused, ServerFrame::Error { ref code, .. } if code == "hello_required"));
        assert_eq!(silent.closed().await, Some(1008));

        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (_agent, _) = h.agent_socket(li).await;
        let mut v = h.visitor(&"l".repeat(43), Vec::new()).await;
        v.send(&start(None)).await;
        v.next_where(|f| matches!(f, ServerFrame::Started { .. })).await;
        let mut limited = 0;
        for i in 0..12 {
            v.send(&line(&format!("r-{i}"), "spam")).await;
        }
        for _ in 0..12 {
            match v.next_where(|f| matches!(f, ServerFrame::Ack { .. } | ServerFrame::Error { .. })).await {
                ServerFrame::Error { code, .. } if code == "rate_limited" => limited += 1,
                ServerFrame::Ack { .. } => {}
                other => panic!("{other:?}"),
            }
        }
        assert!(limited >= 6, "at most about five lines per window: {limited} refused");

        let mut big = h.visitor(&"b".repeat(43), Vec::new()).await;
        big.send_text(&format!(r#"{{"type":"ping","nonce":1,"pad":"{}"}}"#, "x".repeat(4096))).await;
        assert_eq!(big.closed().await, Some(1009), "a frame over the limit closes the socket");

        let mut held = Vec::new();
        loop {
            match Client::connect(&h.url, Some(SHOP)).await {
                Ok(client) => held.push(client),
                Err(_) => break,
            }
            assert!(held.len() <= 6, "the per-address limit holds");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

test_both! {
    async fn a_stopping_gateway_closes_sockets_as_going_away(db: TestDb) {
        let mut h = Harness::start(db).await;
        let mut v = h.visitor(&"g".repeat(43), Vec::new()).await;
        v.next().await;
        h.stop().await;
        assert_eq!(v.closed().await, Some(1001));
        assert!(Client::connect(&h.url, Some(SHOP)).await.is_err(), "no longer accepting");
    }
}
