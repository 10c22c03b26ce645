//! A vendor who works by mail, against real servers: the escalation leaves through SMTP with
//! its own signed reply address and only what was shared; the vendor's auto-reply and answer
//! come back through IMAP into the escalation — not into the customer's thread, not as a new
//! ticket — and the business's next reply follows in the same mail thread.

use std::time::Duration;

use kefu_api_types::escalations::{CreateEscalationRequest, PostEscalationMessageRequest};
use kefu_api_types::vendors::CreateVendorRequest;
use kefu_app::App;
use kefu_app::audit::Origin;
use kefu_app::escalations::{create, show, thread};
use kefu_app::mail::fetching;
use kefu_app::tickets::TicketRef;
use kefu_domain::escalation::{EntryKind, EscalationStatus};
use kefu_domain::ids::{EscalationId, TicketId};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::Status;
use kefu_mail::inbound::InboundMail;
use kefu_testkit::mail_servers::{Dovecot, SmtpSink};
use kefu_testkit::test_both;
use tokio::sync::watch;

use crate::imap::{PASSWORD, USER, fetch_from, wait_until};
use crate::mail::{account, created, mail, mail_app, set_up, take};
use crate::notify::{smtp_to, start_worker};

const VENDOR: &str = "cases@printco.example";

async fn mailed_vendor(app: &App, admin: Actor) -> kefu_domain::ids::VendorId {
    let request: CreateVendorRequest = serde_json::from_value(serde_json::json!({
        "name": "PrintCo", "kind": "oem", "coverage": ["LaserJet"], "contacts": [VENDOR],
        "targets": {"acknowledge_minutes": 60, "answer_minutes": 1440},
    }))
    .unwrap();
    kefu_app::vendors::manage::create(app, admin, Origin::cli(), request)
        .await
        .unwrap()
        .id
}

async fn escalate(
    app: &App,
    agent: Actor,
    ticket: TicketId,
    vendor: kefu_domain::ids::VendorId,
) -> EscalationId {
    let message = app
        .store
        .read(move |conn| kefu_store::messages::list(conn, ticket, true, None, 10))
        .await
        .unwrap()
        .0
        .into_iter()
        .find(|m| m.author_customer.is_some())
        .unwrap()
        .id;
    let request: CreateEscalationRequest = serde_json::from_value(serde_json::json!({
        "vendor": vendor,
        "brief": "Blank pages since firmware 2.01.7; a reset did not help. Is there a fix?",
        "share": {"messages": [message]},
    }))
    .unwrap();
    let detail = app.published(
        create::escalate(app, agent, Origin::cli(), TicketRef::Id(ticket), request)
            .await
            .unwrap(),
    );
    detail.escalation.id
}

/// The mails the SMTP server received for `to`, read.
fn mails_to(sent: &[Vec<u8>], to: &str) -> Vec<InboundMail> {
    sent.iter()
        .map(|raw| kefu_mail::inbound::parse(raw, None).unwrap())
        .filter(|m| m.to.iter().any(|t| t.address == to))
        .collect()
}

async fn status_of(app: &App, agent: Actor, id: EscalationId) -> (EscalationStatus, usize) {
    let detail = show::show(app, agent, id).await.unwrap();
    let replies = detail
        .thread
        .iter()
        .filter(|e| e.kind == EntryKind::Reply)
        .count();
    (detail.escalation.status, replies)
}

async fn customer_messages(app: &App, ticket: TicketId) -> (Status, usize, i64) {
    app.store
        .read(move |conn| {
            let found = kefu_store::tickets::find(conn, ticket)?;
            let (list, _) = kefu_store::messages::list(conn, ticket, true, None, 100)?;
            let public = list
                .iter()
                .filter(|m| m.visibility == kefu_domain::message::Visibility::Public)
                .count();
            Ok::<_, kefu_app::AppError>((
                found.status,
                public,
                kefu_store::tickets::last_number(conn)?,
            ))
        })
        .await
        .unwrap()
}

test_both! {
    async fn a_vendor_answers_by_mail_into_the_escalation(db: TestDb) {
        let dovecot = Dovecot::start(&[(USER, PASSWORD)]);
        let sink = SmtpSink::start();
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let admin = account(&app, "vendor-admin@shop.example", Role::Admin).await;
        let vendor = mailed_vendor(&app, admin).await;
        let (ticket, _) = created(&take(&app, &mail(
            "Ana Lima <ana@example.com>", USER, "c1@example.com", "LaserJet prints blank pages",
            "", "My LaserJet prints blank pages. Call me on +86 138 0013 8000 or ana@example.com.",
        )).await);
        let id = escalate(&app, agent, ticket, vendor).await;
        let (_, _, tickets_before) = customer_messages(&app, ticket).await;

        // The case leaves by mail with its own reply address and only what was shared.
        let worker = start_worker(&app, smtp_to(&sink));
        let sent = sink.wait_for(2, Duration::from_secs(20)).await;
        let case = mails_to(&sent, VENDOR).pop().expect("the case reached the vendor");
        let reference = kefu_app::escalations::reference(id);
        assert!(case.subject.contains(&reference), "{}", case.subject);
        assert!(case.text.contains("Blank pages since firmware 2.01.7"), "{}", case.text);
        assert!(case.text.contains("My LaserJet prints blank pages"), "the shared message is in it");
        for secret in ["ana@example.com", "138 0013 8000", "Ana Lima"] {
            assert!(!case.text.contains(secret), "{secret} leaked: {}", case.text);
        }
        let reply_to = case.reply_to.clone().unwrap().address;
        assert!(reply_to.starts_with("support+e"), "{reply_to}");

        // The vendor's auto-reply lands in the escalation and changes nothing.
        let mailbox = fetch_from(&app, admin, &dovecot, PASSWORD).await;
        let (stop, stopping) = watch::channel(false);
        tokio::spawn(fetching::run(app.clone(), stopping));
        dovecot.deliver(USER, mail(
            VENDOR, &reply_to, "v1@printco.example", &format!("Automatic reply: [{reference}]"),
            "Auto-Submitted: auto-replied\n", "We are out of the office until Monday.",
        ).replace('\n', "\r\n").as_bytes());
        wait_until("the auto-reply in the escalation", || async { status_of(&app, agent, id).await.1 == 1 }).await;
        assert_eq!(status_of(&app, agent, id).await.0, EscalationStatus::Requested);

        // Someone the vendor copied in (here the customer) writes on it: kept, but only the
        // vendor's own mail moves the escalation.
        dovecot.deliver(USER, mail(
            "ana@example.com", &reply_to, "c2@example.com", &format!("Re: [{reference}]"),
            "", "#return please hurry",
        ).replace('\n', "\r\n").as_bytes());
        wait_until("the copied-in mail in the escalation", || async { status_of(&app, agent, id).await.1 == 2 }).await;
        assert_eq!(status_of(&app, agent, id).await.0, EscalationStatus::Requested);

        // Their answer (threaded by its In-Reply-To alone) answers the escalation and opens
        // the ticket again, but the customer's thread and the ticket count stay as they were.
        dovecot.deliver(USER, mail(
            "Wang Tech <wang@printco.example>", USER, "v2@printco.example", &format!("Re: [{reference}] LaserJet"),
            &format!("In-Reply-To: <{}>\n", case.message_id.clone().unwrap()),
            "Install firmware 2.02; it fixes the blank pages.\n\n> We are handing you a case",
        ).replace('\n', "\r\n").as_bytes());
        wait_until("the answer in the escalation", || async { status_of(&app, agent, id).await.1 == 3 }).await;
        assert_eq!(status_of(&app, agent, id).await.0, EscalationStatus::Answered);
        let (status, public, tickets_after) = customer_messages(&app, ticket).await;
        assert_eq!(status, Status::Open, "the vendor's answer brings the ticket back");
        assert_eq!(public, 1, "nothing of the vendor's reached the customer's thread");
        assert_eq!(tickets_after, tickets_before, "no new ticket");
        let detail = show::show(&app, agent, id).await.unwrap();
        let answer = detail.thread.iter().rfind(|e| e.kind == EntryKind::Reply).unwrap();
        assert_eq!(answer.author.name, "Wang Tech");
        assert!(answer.body.starts_with("Install firmware 2.02"), "{}", answer.body);
        assert!(!answer.body.contains("We are handing you"), "quoted history is left out");

        // The agent's next word follows in the same mail thread.
        app.published(thread::post(&app, agent, Origin::cli(), id, PostEscalationMessageRequest {
            body: "Thanks — does 2.02 also cover the M404dn?".into(),
            kind: None,
        }).await.unwrap());
        let sent = sink.wait_for(3, Duration::from_secs(20)).await;
        let next = mails_to(&sent, VENDOR).into_iter().find(|m| m.text.contains("M404dn")).expect("the agent's reply");
        assert_eq!(next.in_reply_to, ["v2@printco.example"]);
        assert!(next.references.contains(&case.message_id.clone().unwrap()));
        assert_eq!(next.reply_to.unwrap().address, reply_to);
        let _ = mailbox;
        let _ = stop.send(true);
        let _ = worker.send(true);
    }
}
