//! The email channel's use cases on both backends: a mail opens a ticket in its mailbox's
//! team, an agent's reply goes to the outbox with every threading header, and the customer's
//! answers come back onto the same ticket by each rule — and only by a rule.

use kefu_api_types::accounts::CreateTeamRequest;
use kefu_api_types::mail::MailboxRequest;
use kefu_app::accounts::create_user::{NewAccount, create_account};
use kefu_app::audit::Origin;
use kefu_app::files::FileStore;
use kefu_app::mail::ingest::{Delivery, Ingested, Source, ingest};
use kefu_app::mail::{MailConfig, mailboxes, quarantine};
use kefu_app::tickets::TicketRef;
use kefu_app::tickets::post_message::{PostMessage, post};
use kefu_app::{App, SessionPolicy};
use kefu_domain::ids::{TeamId, TicketId};
use kefu_domain::message::Visibility;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::{Channel, Stage, Status, TicketNumber};
use kefu_mail::outbound::Outbound;
use kefu_mail::threading::ThreadRule;
use kefu_store::mail::outbox;
use kefu_testkit::{TestDb, test_both};

/// The use cases with a files directory and mail settings, as `kefu serve` builds them.
pub(crate) fn mail_app(db: &TestDb) -> App {
    let files = FileStore::open(&db.files_dir(), 10 * 1024 * 1024).unwrap();
    App::new(db.store.clone(), None, SessionPolicy::default())
        .unwrap()
        .with_files(files)
        .with_mail(MailConfig {
            domain: "mail.shop.example".into(),
            ..MailConfig::default()
        })
}

pub(crate) async fn account(app: &App, email: &str, role: Role) -> Actor {
    let account = NewAccount::parse(email, "Staff", role, None).unwrap();
    let user = app.published(
        create_account(app, None, Origin::cli(), account, None)
            .await
            .unwrap(),
    );
    Actor {
        user: user.id,
        role,
        customer: None,
    }
}

/// An admin, an agent, and the mailbox support@shop.example for After-sales support.
pub(crate) async fn set_up(app: &App) -> (Actor, TeamId) {
    let admin = account(app, "admin@shop.example", Role::Admin).await;
    let agent = account(app, "agent@shop.example", Role::Agent).await;
    let team: CreateTeamRequest = serde_json::from_value(serde_json::json!({
        "name": "After-sales support",
        "members": [agent.user],
    }))
    .unwrap();
    let team = app
        .published(
            kefu_app::teams::create::create(app, admin, Origin::cli(), team)
                .await
                .unwrap(),
        )
        .id;
    let request: MailboxRequest = serde_json::from_value(serde_json::json!({
        "name": "After-sales support",
        "address": "support@shop.example",
        "team_id": team,
        "stage": "after_sale",
    }))
    .unwrap();
    mailboxes::create(app, admin, Origin::cli(), request)
        .await
        .unwrap();
    (agent, team)
}

pub(crate) async fn take(app: &App, raw: &str) -> Ingested {
    app.published(
        ingest(
            app,
            Delivery {
                raw: raw.replace('\n', "\r\n").into_bytes(),
                source: Source::Pipe,
                mailbox: None,
            },
        )
        .await
        .unwrap(),
    )
}

pub(crate) fn mail(
    from: &str,
    to: &str,
    id: &str,
    subject: &str,
    extra: &str,
    body: &str,
) -> String {
    format!(
        "From: {from}\nTo: {to}\nSubject: {subject}\nMessage-ID: <{id}>\nDate: Fri, 04 Dec 2026 10:00:00 +0000\n{extra}Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

pub(crate) fn created(outcome: &Ingested) -> (TicketId, TicketNumber) {
    match outcome {
        Ingested::Created { ticket, number, .. } => (*ticket, *number),
        other => panic!("expected a new ticket, got {other:?}"),
    }
}

pub(crate) fn added(outcome: &Ingested) -> (TicketId, ThreadRule) {
    match outcome {
        Ingested::Added { ticket, rule, .. } => (*ticket, *rule),
        other => panic!("expected the mail to join a ticket, got {other:?}"),
    }
}

pub(crate) async fn reply(app: &App, agent: Actor, ticket: TicketId, body: &str) {
    let command = PostMessage {
        body: body.into(),
        visibility: Visibility::Public,
        status: None,
        channel: None,
        recipients: None,
    };
    app.published(
        post(app, agent, TicketRef::Id(ticket), command)
            .await
            .unwrap(),
    );
}

/// The mails of `ticket` waiting in the outbox, oldest first.
pub(crate) async fn outbox_of(app: &App, ticket: TicketId) -> Vec<Outbound> {
    let entries = app
        .store
        .write(|conn| {
            Ok::<_, kefu_app::AppError>(outbox::claim_due(
                conn,
                kefu_domain::time::now() + chrono::Duration::hours(1),
                100,
                chrono::Duration::seconds(1),
            )?)
        })
        .await
        .unwrap();
    entries
        .into_iter()
        .filter(|e| e.ticket == Some(ticket))
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect()
}

test_both! {
    async fn a_mail_opens_a_ticket_and_its_answers_come_back_by_every_rule(db: TestDb) {
        let app = mail_app(&db);
        let (agent, team) = set_up(&app).await;

        let first = take(&app, &mail(
            "Li Lei <lilei@example.cn>",
            "support@shop.example",
            "first@example.cn",
            "打印机卡纸",
            "Cc: Han Meimei <hanmeimei@example.cn>\n",
            "您好，我的打印机一直卡纸。",
        )).await;
        let (ticket, number) = created(&first);
        let shown = app
            .store
            .read(move |conn| Ok::<_, kefu_app::AppError>(kefu_store::tickets::find(conn, ticket)?))
            .await
            .unwrap();
        assert_eq!(shown.team, Some(team), "the mailbox's team takes the ticket");
        assert_eq!(shown.stage, Stage::AfterSale, "and its stage");
        assert_eq!(shown.channel, Channel::Email);
        assert_eq!(shown.subject, "打印机卡纸");

        // The customer is told their mail arrived, in the language they wrote in, threaded.
        let acknowledged = outbox_of(&app, ticket).await;
        assert_eq!(acknowledged.len(), 1, "an acknowledgement waits in the outbox: {acknowledged:?}");
        let ack = &acknowledged[0];
        assert!(ack.automatic, "marked as automatic mail");
        assert_eq!(ack.to[0].address, "lilei@example.cn");
        assert_eq!(ack.subject, format!("[#{}] 我们已收到您的请求：打印机卡纸", number.get()));
        assert!(ack.text.contains(&format!("您的请求编号为 {}", number.get())), "{}", ack.text);
        assert_eq!(ack.in_reply_to.as_deref(), Some("first@example.cn"));
        assert!(ack.reply_to.as_deref().is_some_and(|r| r.starts_with(&format!("support+t{}-", number.get()))));

        reply(&app, agent, ticket, "Please open the back cover and remove the paper.").await;
        let sent = outbox_of(&app, ticket).await;
        assert_eq!(sent.len(), 1, "the reply waits in the outbox: {sent:?}");
        let out = &sent[0];
        assert_eq!(out.to[0].address, "lilei@example.cn");
        assert_eq!(out.cc.iter().map(|p| p.address.as_str()).collect::<Vec<_>>(), ["hanmeimei@example.cn"], "the CC'd colleague receives it too");
        assert_eq!(out.in_reply_to.as_deref(), Some("first@example.cn"));
        assert_eq!(out.references, ["first@example.cn".to_owned(), ack.message_id.clone()], "References names the thread before it");
        assert_eq!(out.subject, format!("[#{}] 打印机卡纸", number.get()));
        assert_eq!(out.from.address, "support@shop.example");
        let reply_to = out.reply_to.clone().unwrap();
        assert!(reply_to.starts_with(&format!("support+t{}-", number.get())), "{reply_to}");
        assert!(out.message_id.ends_with("@mail.shop.example"));
        let bytes = String::from_utf8(out.to_bytes().unwrap()).unwrap();
        for header in ["Message-ID: <", "In-Reply-To: <first@example.cn>", "References: ", "Thread-Topic: ", "Thread-Index: ", "Reply-To: "] {
            assert!(bytes.contains(header), "the sent mail lacks {header:?}:\n{bytes}");
        }

        // Answers, each attached by one rule.
        let by_headers = take(&app, &mail(
            "lilei@example.cn", "support@shop.example", "a1@example.cn", "Something else entirely",
            &format!("In-Reply-To: <{}>\n", out.message_id), "谢谢，好了。",
        )).await;
        assert_eq!(added(&by_headers), (ticket, ThreadRule::Headers));

        let by_address = take(&app, &mail(
            "lilei@example.cn", &reply_to, "a2@example.cn", "No tag, no headers", "", "还有一个问题。",
        )).await;
        assert_eq!(added(&by_address), (ticket, ThreadRule::ReplyAddress));

        let by_tag = take(&app, &mail(
            "lilei@example.cn", "support@shop.example", "a3@example.cn",
            &format!("Re: [#{}] 打印机卡纸", number.get()), "", "又卡纸了。",
        )).await;
        assert_eq!(added(&by_tag), (ticket, ThreadRule::SubjectTag));

        let colleague = take(&app, &mail(
            "hanmeimei@example.cn", "support@shop.example", "a4@example.cn", "Re: 打印机",
            &format!("References: <{}>\n", out.message_id), "我是同事，也遇到了。",
        )).await;
        assert_eq!(added(&colleague), (ticket, ThreadRule::Headers), "a CC'd person's answer threads like the requester's");

        // A subject tag with a forged sender joins, but copies nobody new onto the ticket.
        let forged_from = take(&app, &mail(
            "lilei@example.cn", "support@shop.example", "a5@example.cn",
            &format!("Re: [#{}] 打印机卡纸", number.get()), "Cc: spy@evil.example\n", "看看。",
        )).await;
        assert_eq!(added(&forged_from), (ticket, ThreadRule::SubjectTag));
        reply(&app, agent, ticket, "Fixed?").await;
        let later = outbox_of(&app, ticket).await;
        assert!(later.iter().all(|m| m.cc.iter().chain(&m.to).all(|p| p.address != "spy@evil.example")), "{later:?}");

        // What must not thread.
        let stranger = take(&app, &mail(
            "mallory@evil.example", "support@shop.example", "s1@evil.example",
            &format!("[#{}] let me in", number.get()), "", "Show me this ticket.",
        )).await;
        assert_ne!(created(&stranger).0, ticket, "a stranger's subject tag opens a new ticket");
        let forged = reply_to.replace(&format!("+t{}-", number.get()), &format!("+t{}-", number.get() + 1));
        let forged_outcome = take(&app, &mail(
            "lilei@example.cn", &forged.replace(&forged[forged.find('-').unwrap() + 1..forged.find('@').unwrap()], "0000000000"),
            "s2@example.cn", "forged", "", "x",
        )).await;
        created(&forged_outcome);

        // The same mail delivered again makes nothing new.
        let again = take(&app, &mail(
            "lilei@example.cn", &reply_to, "a2@example.cn", "No tag, no headers", "", "还有一个问题。",
        )).await;
        assert!(matches!(again, Ingested::Duplicate { ticket: t, .. } if t == ticket), "{again:?}");

        let timeline = app
            .store
            .read(move |conn| Ok::<_, kefu_app::AppError>(kefu_store::messages::list(conn, ticket, true, None, 100)?.0))
            .await
            .unwrap();
        let from_mail = timeline.iter().filter(|m| m.channel == Channel::Email && m.author_customer.is_some()).count();
        assert_eq!(from_mail, 6, "the first mail and five answers, each once");
    }
}

test_both! {
    async fn a_reply_to_a_closed_ticket_opens_a_follow_up(db: TestDb) {
        let app = mail_app(&db);
        set_up(&app).await;
        let (ticket, _) = created(&take(&app, &mail(
            "ana@example.com", "support@shop.example", "c1@example.com", "Invoice", "", "Please send the invoice.",
        )).await);
        app.store
            .write(move |conn| {
                let mut t = kefu_store::tickets::find(conn, ticket)?;
                t.status = Status::Closed;
                kefu_store::tickets::save(conn, &t)?;
                Ok::<_, kefu_app::AppError>(())
            })
            .await
            .unwrap();
        let follow_up = take(&app, &mail(
            "ana@example.com", "support@shop.example", "c2@example.com", "Re: Invoice",
            "In-Reply-To: <c1@example.com>\n", "One more thing.",
        )).await;
        match follow_up {
            Ingested::Created { ticket: new, rule, .. } => {
                assert_ne!(new, ticket);
                assert_eq!(rule, ThreadRule::FollowUp);
            }
            other => panic!("expected a follow-up ticket, got {other:?}"),
        }
    }
}

test_both! {
    async fn a_bounce_marks_the_address_and_tells_the_ticket(db: TestDb) {
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let (ticket, _) = created(&take(&app, &mail(
            "nobody@example.org", "support@shop.example", "b1@example.org", "Order", "", "Where is it?",
        )).await);
        reply(&app, agent, ticket, "It ships tomorrow.").await;
        let sent: Vec<Outbound> = outbox_of(&app, ticket).await.into_iter().filter(|m| !m.automatic).collect();
        let bounce = format!(
            "From: MAILER-DAEMON@mx.shop.example\nTo: support@shop.example\nSubject: Undelivered Mail\nMessage-ID: <dsn@mx.shop.example>\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"d\"\n\n--d\nContent-Type: text/plain\n\nFailed.\n--d\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.shop.example\n\nFinal-Recipient: rfc822; nobody@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 no such user\n--d\nContent-Type: text/rfc822-headers\n\nMessage-ID: <{}>\n--d--\n",
            sent[0].message_id
        );
        let outcome = take(&app, &bounce).await;
        assert!(matches!(outcome, Ingested::Bounce { permanent: true, ticket: Some(t), .. } if t == ticket), "{outcome:?}");
        let notes = app
            .store
            .read(move |conn| Ok::<_, kefu_app::AppError>(kefu_store::messages::list(conn, ticket, true, None, 100)?.0))
            .await
            .unwrap();
        assert!(notes.iter().any(|m| m.body.contains("could not be delivered") && m.visibility == Visibility::Internal), "the agent sees the bounce");
        reply(&app, agent, ticket, "Are you there?").await;
        assert!(outbox_of(&app, ticket).await.is_empty(), "no more mail to an undeliverable address");
        let notes = app
            .store
            .read(move |conn| Ok::<_, kefu_app::AppError>(kefu_store::messages::list(conn, ticket, true, None, 100)?.0))
            .await
            .unwrap();
        assert!(notes.iter().any(|m| m.body.contains("was not mailed")), "and the ticket says the reply was not mailed");

        // Anyone can write a delivery report; one about mail Kefu never sent changes nothing.
        let forged = bounce
            .replace(&sent[0].message_id, "never-sent@mail.shop.example")
            .replace("nobody@example.org", "someone@example.org")
            .replace("<dsn@mx.shop.example>", "<dsn2@mx.shop.example>");
        let outcome = take(&app, &forged).await;
        assert!(matches!(outcome, Ingested::Created { .. }), "kept as an automatic mail: {outcome:?}");
        let (other, _) = created(&take(&app, &mail(
            "someone@example.org", "support@shop.example", "b2@example.org", "Hello", "", "Hi.",
        )).await);
        reply(&app, agent, other, "Hello back.").await;
        let replies = outbox_of(&app, other).await.into_iter().filter(|m| !m.automatic).count();
        assert_eq!(replies, 1, "someone@ was not switched off by a forged report");
    }
}

test_both! {
    async fn unreadable_mail_is_quarantined_and_can_be_retried(db: TestDb) {
        let app = mail_app(&db);
        set_up(&app).await;
        let admin = account(&app, "admin2@shop.example", Role::Admin).await;
        let outcome = take(&app, "To: support@shop.example\nSubject: who?\n\nno sender").await;
        let Ingested::Quarantined { id, reason, .. } = outcome else {
            panic!("expected quarantine, got {outcome:?}");
        };
        assert_eq!(reason, "no_sender");
        let page = quarantine::list(&app, admin, None, None).await.unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].subject.as_deref(), Some("who?"), "what could be read is shown");
        let raw = quarantine::raw(&app, admin, id).await.unwrap();
        assert!(String::from_utf8_lossy(&raw).contains("no sender"), "the original is kept byte for byte");
        let again = app.published(quarantine::retry(&app, Some((admin, Origin::cli())), id).await.unwrap());
        assert!(matches!(again, Ingested::Quarantined { .. }));
        let page = quarantine::list(&app, admin, None, None).await.unwrap();
        assert_eq!(page.items[0].attempts, 2, "a retry that fails again is counted");
        let agent = account(&app, "agent2@shop.example", Role::Agent).await;
        assert!(quarantine::list(&app, agent, None, None).await.is_err(), "agents do not see the quarantine");
    }
}

test_both! {
    async fn every_corpus_message_ends_as_a_ticket_a_message_or_in_quarantine(db: TestDb) {
        let app = mail_app(&db);
        set_up(&app).await;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/mail/tests/corpus");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "eml") {
                continue;
            }
            let raw = std::fs::read(&path).unwrap();
            let outcome = ingest(&app, Delivery { raw, source: Source::Imap, mailbox: None })
                .await
                .unwrap_or_else(|e| panic!("{}: not even quarantined: {e}", path.display()));
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            match (name.as_str(), &outcome.value) {
                ("no-sender.eml", Ingested::Quarantined { .. }) => {}
                ("dsn-bounce.eml", Ingested::Bounce { .. }) => {}
                (_, Ingested::Created { .. } | Ingested::Added { .. }) => {}
                (name, other) => panic!("{name}: {other:?}"),
            }
            app.published(outcome);
            seen += 1;
        }
        assert!(seen >= 20, "the corpus is there ({seen})");
    }
}

test_both! {
    async fn no_bytes_get_lost_on_the_way_in(db: TestDb) {
        // Arbitrary bytes, and mail-shaped bytes broken in arbitrary places, through the whole
        // ingestion path: each is taken or quarantined, never an error, never a panic.
        let app = mail_app(&db);
        set_up(&app).await;
        let base = mail("ana@example.com", "support@shop.example", "f@example.com", "Hello", "", "Body text.");
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..60 {
            let raw: Vec<u8> = if round % 2 == 0 {
                (0..(next() % 600)).map(|_| next() as u8).collect()
            } else {
                let mut bytes = base.clone().into_bytes();
                for _ in 0..(1 + next() % 8) {
                    let at = (next() as usize) % bytes.len();
                    bytes[at] = next() as u8;
                }
                bytes.truncate(1 + (next() as usize) % bytes.len());
                bytes
            };
            let outcome = ingest(&app, Delivery { raw: raw.clone(), source: Source::Http, mailbox: None })
                .await
                .unwrap_or_else(|e| panic!("round {round}: {e} for {:?}", String::from_utf8_lossy(&raw)));
            app.published(outcome);
        }
    }
}

/// Everything waiting in the outbox now, whatever it is about (claimed, so each call sees only
/// what is new).
pub(crate) async fn outbox_all(app: &App) -> Vec<Outbound> {
    app.store
        .write(|conn| {
            outbox::claim_due(
                conn,
                kefu_domain::time::now() + chrono::Duration::hours(1),
                100,
                chrono::Duration::hours(1),
            )
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect()
}

test_both! {
    async fn the_sender_of_mail_too_big_to_take_is_told_once_and_machines_never(db: TestDb) {
        let files = FileStore::open(&db.files_dir(), 10 * 1024 * 1024).unwrap();
        let app = App::new(db.store.clone(), None, SessionPolicy::default())
            .unwrap()
            .with_files(files)
            .with_mail(MailConfig { max_bytes: 2 * 1024 * 1024, ..MailConfig::default() });
        set_up(&app).await;
        let huge = "x".repeat(3 * 1024 * 1024);
        let oversized = mail("Zhang Wei <zhangwei@example.cn>", "support@shop.example", "big1@example.cn", "=?UTF-8?B?5Y+R56Wo54Wn54mH?=", "", &huge);
        let outcome = take(&app, &oversized).await;
        let Ingested::Quarantined { id, reason, detail } = outcome else { panic!("{outcome:?}") };
        assert_eq!(reason, "too_big");
        assert!(detail.contains("the sender was told"), "{detail}");
        let told = outbox_all(&app).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0].to[0].address, "zhangwei@example.cn");
        assert!(told[0].automatic);
        assert!(told[0].subject.contains("您的邮件过大"), "in the sender's language: {}", told[0].subject);
        assert!(told[0].text.contains("2 MB"), "{}", told[0].text);

        // Taken in again by an admin, it is not told twice.
        let again = app.published(quarantine::retry(&app, None, id).await.unwrap());
        assert!(matches!(again, Ingested::Quarantined { .. }), "{again:?}");
        assert!(outbox_all(&app).await.is_empty());

        // A machine's oversized mail gets no answer.
        let bounce = format!("Auto-Submitted: auto-generated\n{}", mail("robot@example.org", "support@shop.example", "big2@example.org", "Report", "", &huge));
        assert!(matches!(take(&app, &bounce).await, Ingested::Quarantined { .. }));
        assert!(outbox_all(&app).await.is_empty(), "no answer to automatic mail");
    }
}
