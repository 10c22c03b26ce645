//! Field-service visits over HTTP, on both backends: scheduling on after-sale tickets, the
//! customer's mail with a calendar invitation that follows each change, the service partner's
//! technician recording the outcome, and what each side may see and do.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::mail_handling::outbox_now;
use crate::support::{desk, ticket};
use kefu_testkit::test_both;

fn window(hours_ahead: i64) -> (String, String) {
    let start = chrono::Utc::now() + chrono::Duration::hours(hours_ahead);
    let end = start + chrono::Duration::hours(2);
    (start.to_rfc3339(), end.to_rfc3339())
}

fn invitation(mail: &kefu_mail::outbound::Outbound) -> &str {
    &mail
        .attachments
        .first()
        .expect("a calendar invitation")
        .content
}

test_both! {
    async fn a_visit_is_scheduled_told_to_the_customer_and_recorded_by_the_technician(db: TestDb) {
        let desk = desk(db).await;
        let store = desk.app.app().store.clone();
        let (status, partner) = desk.admin.post("/api/v1/vendors", &json!({"name": "HomeFix", "kind": "service_partner"})).await;
        assert_eq!(status, StatusCode::CREATED, "{partner}");
        let partner = partner["id"].as_str().unwrap().to_owned();
        let (_, oem) = desk.admin.post("/api/v1/vendors", &json!({"name": "PrintCo", "kind": "oem"})).await;
        let oem = oem["id"].as_str().unwrap().to_owned();
        for (email, vendor) in [("lina@homefix.example", &partner), ("tech@printco.example", &oem)] {
            let (status, body) = desk.admin.post("/api/v1/users", &json!({"email": email, "name": "Lina Ortiz", "role": "vendor", "vendor": vendor, "password": "correct-horse-9"})).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let lina = desk.app.login("lina@homefix.example", "correct-horse-9").await;
        let outsider = desk.app.login("tech@printco.example", "correct-horse-9").await;
        let install = ticket(&desk.agent, json!({
            "subject": "Install the washing machine", "channel": "email", "stage": "after_sale",
            "requester": {"name": "Ana Lima", "email": "ana@example.com"},
            "message": {"body": "Please install it next week."},
        })).await;
        let tid = install["id"].as_str().unwrap().to_owned();
        outbox_now(&store).await;

        // Only after-sale tickets, only service partners, only a sane window.
        let presale = ticket(&desk.agent, json!({"subject": "Which washer?", "channel": "email", "requester": {"email": "ana@example.com"}, "message": {"body": "?"}})).await;
        let (start, end) = window(24);
        let plan = |technician: Value| json!({"technician": technician, "address": "12 Rose Lane, Springfield", "start": start, "end": end, "task": "Install the washer and run a test cycle"});
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{}/visits", presale["id"].as_str().unwrap()), &plan(json!({"vendor": partner}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{tid}/visits"), &plan(json!({"vendor": oem}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an OEM sends no technicians");
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{tid}/visits"), &json!({"technician": {"vendor": partner}, "address": "x", "start": end, "end": start, "task": "x"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let (status, visit) = desk.agent.post(&format!("/api/v1/tickets/{tid}/visits"), &plan(json!({"vendor": partner}))).await;
        assert_eq!(status, StatusCode::CREATED, "{visit}");
        assert_eq!(visit["status"], "proposed");
        assert_eq!(visit["technician"]["name"], "HomeFix");
        let id = visit["id"].as_str().unwrap().to_owned();
        let sent = outbox_now(&store).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to[0].address, "ana@example.com");
        assert!(sent[0].subject.contains("We propose a visit"), "{}", sent[0].subject);
        assert!(sent[0].text.contains("12 Rose Lane"));
        assert!(invitation(&sent[0]).contains("METHOD:REQUEST") && invitation(&sent[0]).contains("SEQUENCE:0"));

        // The partner's technician sees it without the ticket; nobody else does.
        let (status, theirs) = lina.get("/api/v1/visits").await;
        assert_eq!(status, StatusCode::OK, "{theirs}");
        assert_eq!(theirs["items"][0]["id"], id.as_str());
        assert_eq!(theirs["items"][0]["ticket"], Value::Null);
        assert_eq!(theirs["items"][0]["moves"], json!([]), "nothing to do until it is confirmed");
        let (status, _) = outsider.get(&format!("/api/v1/visits/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, none) = outsider.get("/api/v1/visits").await;
        assert_eq!(none["items"], json!([]));
        let (status, _) = lina.patch(&format!("/api/v1/visits/{id}"), &json!({"status": "confirmed"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "the business confirms with the customer");

        // Confirmed, then moved: the customer's calendar entry follows.
        let (status, _) = desk.agent.patch(&format!("/api/v1/visits/{id}"), &json!({"status": "confirmed"})).await;
        assert_eq!(status, StatusCode::OK);
        let (start2, end2) = window(48);
        let (status, moved) = desk.agent.patch(&format!("/api/v1/visits/{id}"), &json!({"start": start2, "end": end2})).await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["status"], "confirmed");
        let sent = outbox_now(&store).await;
        assert_eq!(sent.len(), 2);
        assert!(sent[0].subject.contains("confirmed") && invitation(&sent[0]).contains("SEQUENCE:1"));
        assert!(sent[1].subject.contains("new time") && invitation(&sent[1]).contains("SEQUENCE:2"));
        let tag = format!("[#{}]", install["number"]);
        assert!(sent.iter().all(|m| m.subject.starts_with(&tag)), "on the ticket's thread: {}", sent[0].subject);

        // The technician sets out and records the work.
        let (status, _) = lina.patch(&format!("/api/v1/visits/{id}"), &json!({"status": "done", "outcome": {"work": "x"}})).await;
        assert_eq!(status, StatusCode::CONFLICT, "not before setting out");
        let (status, body) = lina.patch(&format!("/api/v1/visits/{id}"), &json!({"status": "en_route"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = lina.patch(&format!("/api/v1/visits/{id}"), &json!({"status": "done"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "done says what was done");
        let (status, done) = lina.patch(&format!("/api/v1/visits/{id}"), &json!({"status": "done", "outcome": {"work": "Installed and tested; drain hose replaced.", "parts": "Drain hose 1.5 m", "signed_by": "Ana Lima"}})).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["outcome"]["signed_by"], "Ana Lima");
        assert_eq!(done["outcome"]["recorded_by"], "Lina Ortiz");
        let (status, _) = desk.agent.patch(&format!("/api/v1/visits/{id}"), &json!({"status": "cancelled"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "a done visit stays done");

        // It is all on the ticket's timeline, and the partner's steps in the audit log.
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{tid}/messages")).await;
        let bodies: Vec<&str> = timeline["items"].as_array().unwrap().iter().filter_map(|m| m["body"].as_str()).collect();
        assert!(bodies.iter().any(|b| b.contains("Installed and tested") && b.contains("Drain hose") && b.contains("Ana Lima")), "{bodies:?}");
        let (_, audit) = desk.admin.get("/api/v1/audit?limit=20").await;
        assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "visit_changed"));
        let (_, listed) = desk.agent.get(&format!("/api/v1/tickets/{tid}/visits")).await;
        assert_eq!(listed["items"][0]["status"], "done");
        let (_, calendar) = desk.agent.get(&format!("/api/v1/visits?vendor={partner}&to={}", (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339().replace('+', "%2B"))).await;
        assert_eq!(calendar["items"][0]["ticket"]["id"], tid.as_str());
    }
}
