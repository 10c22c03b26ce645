//! The outbox reaching a real SMTP server (aiosmtpd on loopback): a reply arrives with its
//! threading headers, the customer's answer to it comes back onto the ticket, a worker that
//! died after claiming a mail leaves it to be sent later with the same Message-ID, and a
//! permanent refusal is written on the ticket.

use std::time::Duration;

use kefu_app::App;
use kefu_domain::message::Visibility;
use kefu_mail::inbound;
use kefu_notify::{NotifyConfig, SmtpConfig, SmtpSecurity, Transport};
use kefu_store::mail::outbox;
use kefu_testkit::mail_servers::SmtpSink;
use kefu_testkit::test_both;
use tokio::sync::watch;

use crate::mail::{added, created, mail, mail_app, reply, set_up, take};

pub(crate) fn smtp_to(sink: &SmtpSink) -> Transport {
    Transport::smtp(&SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(sink.port),
        security: SmtpSecurity::None,
        username: None,
        password: None,
        timeout_seconds: 10,
        pool_size: 2,
    })
    .unwrap()
}

pub(crate) fn start_worker(app: &App, transport: Transport) -> watch::Sender<bool> {
    let (stop, stopping) = watch::channel(false);
    let config = NotifyConfig {
        lease_seconds: 1,
        ..NotifyConfig::default()
    };
    tokio::spawn(kefu_notify::run(app.clone(), config, transport, stopping));
    stop
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    let head = raw.split("\r\n\r\n").next()?;
    head.lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .map(|l| l[name.len() + 1..].trim())
}

test_both! {
    async fn replies_reach_the_smtp_server_and_answers_come_back(db: TestDb) {
        let sink = SmtpSink::start();
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let (ticket, number) = created(&take(&app, &mail(
            "Ana <ana@example.com>", "support@shop.example", "q1@example.com", "Broken hinge", "", "The hinge broke.",
        )).await);

        // A worker that claimed the acknowledgement and the first reply and died before
        // sending them.
        reply(&app, agent, ticket, "We are sending a new hinge.").await;
        let claimed = app
            .store
            .write(|conn| Ok::<_, kefu_app::AppError>(outbox::claim_due(conn, kefu_domain::time::now(), 10, chrono::Duration::seconds(1))?))
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2, "the acknowledgement and the reply");
        let promised: Vec<kefu_mail::outbound::Outbound> = claimed.iter().map(|c| serde_json::from_str(&c.payload).unwrap()).collect();
        let promised = promised.into_iter().find(|m| !m.automatic).unwrap();

        let stop = start_worker(&app, smtp_to(&sink));
        let received = sink.wait_for(2, Duration::from_secs(15)).await;
        assert_eq!(received.len(), 2, "the claimed mail is sent once its lease ends");
        let texts: Vec<String> = received.iter().map(|r| String::from_utf8(r.clone()).unwrap()).collect();
        let ack = texts.iter().find(|r| header(r, "Auto-Submitted").is_some()).expect("the acknowledgement was sent");
        assert_eq!(header(ack, "Auto-Submitted"), Some("auto-replied"));
        assert!(header(ack, "Subject").is_some_and(|s| s.contains("We received your request")), "{ack}");
        let raw = texts.iter().find(|r| header(r, "Auto-Submitted").is_none()).unwrap().clone();
        assert_eq!(header(&raw, "Message-ID"), Some(format!("<{}>", promised.message_id).as_str()), "with the Message-ID it was given when committed");
        assert_eq!(header(&raw, "In-Reply-To"), Some("<q1@example.com>"));
        assert!(header(&raw, "Subject").is_some_and(|s| s.contains(&format!("[#{}]", number.get()))), "{raw}");
        let reply_to = header(&raw, "Reply-To").unwrap().to_owned();
        assert!(reply_to.contains(&format!("support+t{}-", number.get())), "{reply_to}");
        assert!(header(&raw, "Thread-Index").is_some() && header(&raw, "Thread-Topic").is_some());
        let parsed = inbound::parse(raw.as_bytes(), None).unwrap();
        assert!(parsed.text.starts_with("We are sending a new hinge."), "{}", parsed.text);

        // The customer answers the mail as their client would.
        let address = reply_to.rsplit('<').next().unwrap().trim_end_matches('>').to_owned();
        let answer = take(&app, &mail(
            "ana@example.com", &address, "q2@example.com", "Re: Broken hinge",
            &format!("In-Reply-To: <{}>\nReferences: <q1@example.com> <{}>\n", promised.message_id, promised.message_id),
            "Thanks!",
        )).await;
        assert_eq!(added(&answer).0, ticket);

        // The agent, now the ticket's assignee, is told the customer answered.
        let received = sink.wait_for(3, Duration::from_secs(10)).await;
        assert_eq!(received.len(), 3, "a notification reached the agent");
        let notice = received
            .iter()
            .map(|r| String::from_utf8(r.clone()).unwrap())
            .find(|r| header(r, "To").is_some_and(|to| to.contains("agent@shop.example")))
            .expect("a mail to the agent");
        let notice = inbound::parse(notice.as_bytes(), None).unwrap();
        assert_eq!(notice.subject, format!("Ana replied on ticket {}: Broken hinge", number.get()));
        assert!(notice.text.contains("Thanks!") && notice.text.contains(&format!("/tickets/{}", number.get())), "{}", notice.text);

        // A later reply goes at once.
        reply(&app, agent, ticket, "It is on its way.").await;
        assert_eq!(sink.wait_for(4, Duration::from_secs(10)).await.len(), 4);
        let _ = stop.send(true);
    }
}

test_both! {
    async fn a_refused_recipient_is_written_on_the_ticket(db: TestDb) {
        let sink = SmtpSink::start();
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let (ticket, _) = created(&take(&app, &mail(
            "reject-me@example.org", "support@shop.example", "r1@example.org", "Refund", "", "Refund please.",
        )).await);
        let stop = start_worker(&app, smtp_to(&sink));
        reply(&app, agent, ticket, "Refunded.").await;
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        let note = loop {
            let timeline = app
                .store
                .read(move |conn| Ok::<_, kefu_app::AppError>(kefu_store::messages::list(conn, ticket, true, None, 100)?.0))
                .await
                .unwrap();
            if let Some(note) = timeline.into_iter().find(|m| m.body.contains("could not be delivered")) {
                break note;
            }
            assert!(std::time::Instant::now() < deadline, "the refusal never reached the ticket");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(note.visibility, Visibility::Internal);
        assert!(note.body.contains("reject-me@example.org"), "{}", note.body);
        assert!(sink.received().is_empty());
        let _ = stop.send(true);
    }
}

test_both! {
    async fn an_admin_sets_the_smtp_server_in_the_console_and_a_test_mail_arrives(db: TestDb) {
        let sink = SmtpSink::start();
        let app = mail_app(&db);
        set_up(&app).await;
        let admin = kefu_domain::permissions::Actor {
            user: app.store.read(|conn| Ok::<_, kefu_app::AppError>(kefu_store::users::credentials(conn, &kefu_domain::email::EmailAddress::parse("admin@shop.example").unwrap())?.unwrap().user.id)).await.unwrap(),
            role: kefu_domain::role::Role::Admin,
            customer: None,
        };
        // The node's own transport writes files; the console's server wins once it is set.
        let files = tempfile::tempdir().unwrap();
        let stop = start_worker(&app, Transport::files(files.path()).unwrap());
        let request: kefu_api_types::mail::SmtpRequest = serde_json::from_value(serde_json::json!({
            "host": "127.0.0.1", "port": sink.port, "security": "none",
        })).unwrap();
        let shown = kefu_app::mail::smtp::save(&app, admin, kefu_app::audit::Origin::cli(), request).await.unwrap();
        assert!(shown.set_in_console && !shown.password_set);
        kefu_app::mail::smtp::send_test(&app, admin, "it@shop.example").await.unwrap();
        let received = sink.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(received.len(), 1, "the test mail went through the console's server");
        let test = inbound::parse(&received[0], None).unwrap();
        assert_eq!(test.subject, "Kefu test mail / Kefu 测试邮件");
        assert_eq!(std::fs::read_dir(files.path()).unwrap().count(), 0, "no .eml file was written");

        // A saved password is never sent to another server; cleared, mail goes the node's way.
        let login: kefu_api_types::mail::SmtpRequest = serde_json::from_value(serde_json::json!({
            "host": "127.0.0.1", "port": sink.port, "security": "none", "username": "kefu", "password": "s3cret",
        })).unwrap();
        kefu_app::mail::smtp::save(&app, admin, kefu_app::audit::Origin::cli(), login).await.unwrap();
        let elsewhere: kefu_api_types::mail::SmtpRequest = serde_json::from_value(serde_json::json!({
            "host": "smtp.elsewhere.example", "port": 587, "security": "starttls", "username": "kefu",
        })).unwrap();
        let refused = kefu_app::mail::smtp::save(&app, admin, kefu_app::audit::Origin::cli(), elsewhere).await;
        assert!(matches!(refused, Err(kefu_app::AppError::Invalid { code: "password_required", .. })), "{refused:?}");
        kefu_app::mail::smtp::clear(&app, admin, kefu_app::audit::Origin::cli()).await.unwrap();
        kefu_app::mail::smtp::send_test(&app, admin, "it@shop.example").await.unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while std::fs::read_dir(files.path()).unwrap().filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))).count() == 0 {
            assert!(std::time::Instant::now() < deadline, "the second test mail was written as a file");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(sink.received().len(), 1);
        let _ = stop.send(true);
    }
}
