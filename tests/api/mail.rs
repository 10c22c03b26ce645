//! The email channel over HTTP: raw mail from an MTA (shared secret or signature), mailboxes
//! whose IMAP password never comes back, and a ticket's timeline showing each mail with why
//! it is there.

use hmac::{Hmac, Mac};
use kefu_testkit::{INBOUND_SECRET, TestClient, test_both};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::desk;

async fn send_raw(
    client: &TestClient,
    raw: &str,
    auth: Option<(&str, &str)>,
) -> (StatusCode, Value) {
    let mut request = client
        .request(Method::POST, "/api/v1/inbound/email")
        .header("Content-Type", "message/rfc822")
        .body(raw.replace('\n', "\r\n"));
    if let Some((name, value)) = auth {
        request = request.header(name, value);
    }
    client.send(request).await
}

fn signature(secret: &str, time: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{time}.").as_bytes());
    mac.update(body.replace('\n', "\r\n").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={time},v1={hex}")
}

const FIRST: &str = "From: Li Lei <lilei@example.cn>\nTo: orders@shop.example\nSubject: =?UTF-8?B?6K6i5Y2V6L+Y5rKh5Yiw?=\nMessage-ID: <m1@example.cn>\nContent-Type: text/html; charset=utf-8\n\n<p>My order <b>5521</b> has not arrived.</p><script>alert(1)</script>\n";

test_both! {
    async fn an_mta_posts_raw_mail_and_the_timeline_shows_why_it_is_there(db: TestDb) {
        let desk = desk(db).await;
        let (status, mailbox) = desk.admin.post("/api/v1/mailboxes", &json!({
            "name": "Orders", "address": "orders@shop.example", "team_id": desk.team, "stage": "in_sale",
            "imap": {"host": "imap.shop.example", "port": 993, "security": "tls", "username": "orders", "password": "s3cret-imap"},
        })).await;
        assert_eq!(status, StatusCode::CREATED, "{mailbox}");
        assert!(!mailbox.to_string().contains("s3cret-imap"), "the password never comes back: {mailbox}");
        assert_eq!(mailbox["imap"]["folder"], "INBOX");

        let anyone = desk.app.anonymous();
        let (status, _) = send_raw(&anyone, FIRST, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "no secret, no mail");
        let (status, _) = send_raw(&anyone, FIRST, Some(("Authorization", "Bearer wrong"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let stale = signature(INBOUND_SECRET, chrono::Utc::now().timestamp() - 3_600, FIRST);
        let (status, _) = send_raw(&anyone, FIRST, Some(("X-Kefu-Signature", &stale))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "an old signature is refused");

        let (status, taken) = send_raw(&anyone, FIRST, Some(("Authorization", &format!("Bearer {INBOUND_SECRET}")))).await;
        assert_eq!(status, StatusCode::OK, "{taken}");
        assert_eq!(taken["outcome"], "created");
        assert_eq!(taken["rule"], "new_ticket");
        let ticket = taken["ticket_id"].as_str().unwrap().to_owned();
        let (status, again) = send_raw(&anyone, FIRST, Some(("X-Kefu-Signature", &signature(INBOUND_SECRET, chrono::Utc::now().timestamp(), FIRST)))).await;
        assert_eq!(status, StatusCode::OK, "a signed post is taken: {again}");
        assert_eq!(again["outcome"], "duplicate", "and the same mail twice is one mail");

        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{ticket}")).await;
        assert_eq!(shown["subject"], "订单还没到");
        assert_eq!(shown["team"]["id"], desk.team.as_str(), "{shown}");
        assert_eq!(shown["stage"], "in_sale");

        let (status, posted) = desk.agent.post(&format!("/api/v1/tickets/{ticket}/messages"), &json!({"body": "It ships today."})).await;
        assert_eq!(status, StatusCode::CREATED, "{posted}");
        assert_eq!(posted["email"]["direction"], "outbound");
        assert_eq!(posted["email"]["delivery"], "pending", "the reply waits in the outbox");
        assert_eq!(posted["email"]["to"][0]["address"], "lilei@example.cn");
        let sent_id = posted["email"]["message_id"].as_str().unwrap().to_owned();

        let answer = format!("From: lilei@example.cn\nTo: orders@shop.example\nSubject: Re: thanks\nMessage-ID: <m2@example.cn>\nIn-Reply-To: <{sent_id}>\nContent-Type: text/plain; charset=utf-8\n\nGreat, thanks!\n\nOn Fri, 4 Dec 2026, Orders <orders@shop.example> wrote:\n> It ships today.\n");
        let (_, answered) = send_raw(&anyone, &answer, Some(("Authorization", &format!("Bearer {INBOUND_SECRET}")))).await;
        assert_eq!(answered["outcome"], "added", "{answered}");
        assert_eq!(answered["ticket_id"], ticket.as_str());

        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{ticket}/messages")).await;
        let mails: Vec<&Value> = timeline["items"].as_array().unwrap().iter().filter(|m| !m["email"].is_null() && m["kind"] != "event").collect();
        assert_eq!(mails.len(), 3, "{timeline}");
        assert_eq!(mails[0]["email"]["thread_rule"], "new_ticket");
        let html = mails[0]["email"]["html"].as_str().unwrap();
        assert!(html.contains("<b>5521</b>") && !html.contains("script"), "sanitised HTML: {html}");
        assert_eq!(mails[1]["email"]["thread_rule"], "sent");
        assert_eq!(mails[2]["email"]["thread_rule"], "headers");
        assert_eq!(mails[2]["body"], "Great, thanks!", "the quoted history is cut from the timeline");
        assert!(mails[2]["email"]["quoted"].as_str().unwrap().contains("It ships today."), "and kept beside it");

        let message = mails[0]["id"].as_str().unwrap();
        let frame = desk.agent.request(Method::GET, &format!("/api/v1/tickets/{ticket}/messages/{message}/html")).send().await.unwrap();
        assert_eq!(frame.status(), StatusCode::OK);
        let policy = frame.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(policy.contains("sandbox") && policy.contains("img-src 'self' data:;"), "no scripts, no remote images: {policy}");
        assert_eq!(frame.headers()["x-frame-options"], "SAMEORIGIN");
        assert!(frame.text().await.unwrap().contains("<b>5521</b>"));
        let asked = desk.agent.request(Method::GET, &format!("/api/v1/tickets/{ticket}/messages/{message}/html?remote_images=true")).send().await.unwrap();
        assert!(asked.headers()["content-security-policy"].to_str().unwrap().contains("https:"), "remote images when asked");
        let (status, _) = desk.app.anonymous().get(&format!("/api/v1/tickets/{ticket}/messages/{message}/html")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let (_, audit) = desk.admin.get("/api/v1/audit").await;
        assert!(audit.to_string().contains("mailbox_created"), "adding a mailbox is audited");
    }
}

test_both! {
    async fn mail_that_cannot_be_taken_waits_in_quarantine_for_an_admin(db: TestDb) {
        let desk = desk(db).await;
        let anyone = desk.app.anonymous();
        let (status, kept) = send_raw(&anyone, "To: orders@shop.example\nSubject: no sender\n\nhello\n", Some(("Authorization", &format!("Bearer {INBOUND_SECRET}")))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{kept}");
        assert_eq!(kept["reason"], "no_sender");
        let id = kept["quarantine_id"].as_str().unwrap().to_owned();
        let (_, page) = desk.admin.get("/api/v1/mail/quarantine").await;
        assert_eq!(page["items"][0]["id"], id.as_str());
        assert_eq!(page["items"][0]["subject"], "no sender");
        let raw = desk.admin.request(Method::GET, &format!("/api/v1/mail/quarantine/{id}/raw")).send().await.unwrap();
        assert_eq!(raw.status(), StatusCode::OK);
        assert!(raw.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert!(raw.text().await.unwrap().contains("Subject: no sender"));
        let (status, _) = desk.admin.delete(&format!("/api/v1/mail/quarantine/{id}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, page) = desk.admin.get("/api/v1/mail/quarantine").await;
        assert_eq!(page["items"], json!([]));
    }
}
