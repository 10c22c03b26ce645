//! Vendor escalation over HTTP, on both backends: vendors, the redacted preview, what a vendor
//! user may see, the lifecycle's effect on the ticket, and copying an answer to the customer.

use kefu_testkit::{TestClient, test_both};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Desk, desk, ticket};

async fn vendor(desk: &Desk, name: &str, kind: &str, coverage: &[&str]) -> String {
    let (status, body) = desk
        .admin
        .post(
            "/api/v1/vendors",
            &json!({"name": name, "kind": kind, "coverage": coverage,
                    "contacts": [format!("cases@{}.example", name.to_lowercase())],
                    "targets": {"acknowledge_minutes": 60, "answer_minutes": 1440}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn vendor_user(desk: &Desk, vendor: &str, email: &str) -> TestClient {
    let (status, body) = desk
        .admin
        .post(
            "/api/v1/users",
            &json!({"email": email, "name": email, "role": "vendor", "vendor": vendor, "password": "correct-horse-9"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    desk.app.login(email, "correct-horse-9").await
}

async fn printer_ticket(desk: &Desk) -> Value {
    ticket(
        &desk.agent,
        json!({
            "subject": "LaserJet M404 prints blank pages, order ORD-2024-00123",
            "channel": "email",
            "requester": {"name": "Li Wei", "email": "li.wei@example.com", "phone": "+8613800138000"},
            "message": {"body": "Hi, I am Li Wei. Since the update my LaserJet prints blank pages. Call me on 138 0013 8000 or mail li.wei@example.com. Order ORD-2024-00123."},
        }),
    )
    .await
}

fn first_message(desk_ticket: &Value) -> String {
    desk_ticket["id"].as_str().unwrap().to_owned()
}

test_both! {
    async fn the_preview_is_what_the_vendor_sees(db: TestDb) {
        let desk = desk(db).await;
        let printco = vendor(&desk, "PrintCo", "oem", &["LaserJet"]).await;
        let courier = vendor(&desk, "ShipFast", "logistics", &["parcel"]).await;
        let t = printer_ticket(&desk).await;
        let tid = first_message(&t);
        // The form suggests the vendor whose products the ticket names.
        let (status, list) = desk.agent.get(&format!("/api/v1/vendors?ticket={}", t["number"])).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list["items"][0]["id"], printco.as_str());
        assert_eq!(list["items"][0]["fit"], 1);
        assert_eq!(list["items"][1]["fit"], 0);
        assert_eq!(list["items"][1]["id"], courier.as_str());

        let (_, messages) = desk.agent.get(&format!("/api/v1/tickets/{tid}/messages")).await;
        let first = messages["items"][0]["id"].as_str().unwrap().to_owned();
        let request = json!({
            "vendor": printco,
            "brief": "Customer Li Wei (li.wei@example.com) sees blank pages since firmware 2.01.7. We tried a reset.",
            "share": {"messages": [first]},
        });
        let (status, preview) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations/preview"), &request).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["subject"], "LaserJet M404 prints blank pages, order [# •••]");
        assert_eq!(preview["brief"], "Customer [👤 •••] ([✉ •••]) sees blank pages since firmware 2.01.7. We tried a reset.");
        assert_eq!(
            preview["shared"][0]["body"],
            "Hi, I am [👤 •••]. Since the update my LaserJet prints blank pages. Call me on [☎ •••] or mail [✉ •••]. Order [# •••]."
        );
        assert_eq!(preview["contact"], Value::Null);
        assert_eq!(preview["masked"], json!({"emails": 2, "phones": 1, "order_numbers": 2, "names": 2}));
        assert_eq!(preview["delivery"], "email", "no portal users yet");

        // What the vendor is then shown is exactly the preview.
        vendor_user(&desk, &printco, "tech@printco.example").await;
        let (status, created) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &request).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let escalation = &created["escalation"];
        assert_eq!(escalation["brief"], preview["brief"]);
        assert_eq!(escalation["subject"], preview["subject"]);
        let shared: Vec<&Value> = created["thread"].as_array().unwrap().iter().filter(|e| e["kind"] == "shared").collect();
        assert_eq!(shared.len(), 1);
        assert_eq!(shared[0]["body"], preview["shared"][0]["body"]);

        // Sharing the contact details leaves them readable, and hands them over.
        let (_, shared_contact) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations/preview"), &json!({
            "vendor": courier, "brief": "Mail li.wei@example.com", "share": {"contact": true},
        })).await;
        assert_eq!(shared_contact["brief"], "Mail li.wei@example.com");
        assert_eq!(shared_contact["contact"]["email"], "li.wei@example.com");
        assert_eq!(shared_contact["contact"]["name"], "Li Wei");

        // A message of another ticket cannot be shared.
        let other = ticket(&desk.agent, json!({"subject": "Other", "channel": "web", "requester": {"email": "x@example.com"}, "message": {"body": "Secret"}})).await;
        let (_, other_messages) = desk.agent.get(&format!("/api/v1/tickets/{}/messages", other["id"].as_str().unwrap())).await;
        let foreign = other_messages["items"][0]["id"].as_str().unwrap();
        let (status, problem) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations/preview"), &json!({
            "vendor": printco, "brief": "x", "share": {"messages": [foreign]},
        })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "invalid_share");
    }
}

test_both! {
    async fn vendors_see_only_their_own_escalations_and_never_the_ticket(db: TestDb) {
        let desk = desk(db).await;
        let printco = vendor(&desk, "PrintCo", "oem", &["LaserJet"]).await;
        let courier = vendor(&desk, "ShipFast", "logistics", &[]).await;
        let tech = vendor_user(&desk, &printco, "tech@printco.example").await;
        let driver = vendor_user(&desk, &courier, "desk@shipfast.example").await;
        let t = printer_ticket(&desk).await;
        let tid = first_message(&t);
        let escalate = |vendor: &str| json!({"vendor": vendor, "brief": "Please look at this"});
        let (_, to_printco) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &escalate(&printco)).await;
        let (_, to_courier) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &escalate(&courier)).await;
        let printco_case = to_printco["escalation"]["id"].as_str().unwrap().to_owned();
        let courier_case = to_courier["escalation"]["id"].as_str().unwrap().to_owned();

        let (status, queue) = tech.get("/api/v1/escalations").await;
        assert_eq!(status, StatusCode::OK, "{queue}");
        assert_eq!(queue["total"], 1);
        assert_eq!(queue["items"][0]["id"], printco_case.as_str());
        assert_eq!(queue["items"][0]["ticket"], Value::Null, "vendors never see the ticket");
        assert_eq!(queue["items"][0]["vendor"]["name"], "PrintCo");
        // Asking for another vendor's queue still shows only their own.
        let (_, asked) = tech.get(&format!("/api/v1/escalations?vendor={courier}")).await;
        assert_eq!(asked["total"], 1);
        assert_eq!(asked["items"][0]["id"], printco_case.as_str());

        for path in [
            format!("/api/v1/escalations/{courier_case}"),
            format!("/api/v1/tickets/{tid}"),
            format!("/api/v1/tickets/{tid}/escalations"),
            format!("/api/v1/customers/{}", t["requester"]["id"].as_str().unwrap()),
        ] {
            let (status, body) = tech.get(&path).await;
            assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{path}: {status} {body}");
        }
        let (status, _) = tech.post(&format!("/api/v1/escalations/{courier_case}/messages"), &json!({"body": "Mine?"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, theirs) = driver.get("/api/v1/escalations").await;
        assert_eq!(theirs["items"][0]["id"], courier_case.as_str());

        // Once the agent cancels it, the vendor no longer sees it at all.
        let (status, body) = desk.agent.post(&format!("/api/v1/escalations/{printco_case}/status"), &json!({"status": "cancelled"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = tech.get(&format!("/api/v1/escalations/{printco_case}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, queue) = tech.get("/api/v1/escalations?status=all").await;
        assert_eq!(queue["total"], 0);
        // Notes among the vendor's users stay with them.
        let (status, noted) = driver.post(&format!("/api/v1/escalations/{courier_case}/messages"), &json!({"body": "Depot says lost", "kind": "note"})).await;
        assert_eq!(status, StatusCode::CREATED, "{noted}");
        let (_, agent_view) = desk.agent.get(&format!("/api/v1/escalations/{courier_case}")).await;
        assert!(agent_view["thread"].as_array().unwrap().iter().all(|e| e["kind"] != "note"), "{agent_view}");
        let (status, _) = desk.agent.post(&format!("/api/v1/escalations/{courier_case}/messages"), &json!({"body": "x", "kind": "note"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

test_both! {
    async fn the_lifecycle_moves_the_ticket_and_the_answer_reaches_the_customer(db: TestDb) {
        let desk = desk(db).await;
        let printco = vendor(&desk, "PrintCo", "oem", &["LaserJet"]).await;
        let tech = vendor_user(&desk, &printco, "tech@printco.example").await;
        let t = printer_ticket(&desk).await;
        let tid = first_message(&t);
        let (status, created) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &json!({"vendor": printco, "brief": "Blank pages"})).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let case = created["escalation"]["id"].as_str().unwrap().to_owned();
        assert_eq!(created["escalation"]["status"], "requested");
        assert_eq!(created["moves"], json!(["cancelled"]), "the agent may only cancel a new one");
        let (_, on_hold) = desk.agent.get(&format!("/api/v1/tickets/{tid}")).await;
        assert_eq!(on_hold["status"], "on_hold");

        // The vendor's first word acknowledges it.
        let (status, replied) = tech.post(&format!("/api/v1/escalations/{case}/messages"), &json!({"body": "Looking into it"})).await;
        assert_eq!(status, StatusCode::CREATED, "{replied}");
        assert_eq!(replied["escalation"]["status"], "acknowledged");
        assert!(replied["escalation"]["acknowledged_at"].is_string());
        // Agents cannot answer for the vendor; a move the lifecycle lacks is a conflict.
        let (status, _) = desk.agent.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "answered"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = tech.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "cancelled"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, problem) = tech.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "requested"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");

        // The vendor asks; the ticket comes back to the agent; the agent's reply hands it back.
        let (status, asked) = tech.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "info_requested", "body": "Which firmware?"})).await;
        assert_eq!(status, StatusCode::OK, "{asked}");
        let (_, open) = desk.agent.get(&format!("/api/v1/tickets/{tid}")).await;
        assert_eq!(open["status"], "open");
        let (_, answered_question) = desk.agent.post(&format!("/api/v1/escalations/{case}/messages"), &json!({"body": "2.01.7"})).await;
        assert_eq!(answered_question["escalation"]["status"], "in_progress");

        // The answer: the ticket is open again, its timeline says so, and the agent copies it.
        let (status, answered) = tech.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "answered", "body": "Install firmware 2.02; it fixes blank pages."})).await;
        assert_eq!(status, StatusCode::OK, "{answered}");
        assert_eq!(answered["moves"], json!([]), "the vendor waits for the agent now");
        let answer = answered["thread"].as_array().unwrap().iter().rev()
            .find(|e| e["kind"] == "reply" && e["author"]["kind"] == "vendor").unwrap()["id"].as_str().unwrap().to_owned();
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{tid}/messages")).await;
        let events: Vec<&str> = timeline["items"].as_array().unwrap().iter()
            .filter(|m| m["kind"] == "event" && m["data"]["escalation"].is_object())
            .map(|m| m["body"].as_str().unwrap()).collect();
        assert!(events.iter().any(|b| b.starts_with("Escalated to PrintCo")), "{events:?}");
        assert!(events.iter().any(|b| b.contains("answered / 已答复")), "{events:?}");
        let (status, reply) = desk.agent.post(&format!("/api/v1/escalations/{case}/messages/{answer}/copy"), &json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        assert_eq!(reply["body"], "Install firmware 2.02; it fixes blank pages.");
        assert_eq!(reply["visibility"], "public");
        assert_eq!(reply["data"], Value::Null, "the customer's reply says nothing of the vendor");
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{tid}/messages")).await;
        assert!(timeline["items"].as_array().unwrap().iter().any(|m| m["kind"] == "event" && m["visibility"] == "internal" && m["data"]["copied_from"]["message"] == reply["id"]), "{timeline}");
        let (_, detail) = desk.agent.get(&format!("/api/v1/escalations/{case}")).await;
        assert!(detail["thread"].as_array().unwrap().iter().any(|e| e["data"]["copied"]["entry"] == answer.as_str()), "{detail}");
        // A shared item or the agent's own words cannot be copied as the vendor's.
        let own = detail["thread"].as_array().unwrap().iter().find(|e| e["author"]["kind"] == "agent" && e["kind"] == "reply").unwrap()["id"].as_str().unwrap().to_owned();
        let (status, _) = desk.agent.post(&format!("/api/v1/escalations/{case}/messages/{own}/copy"), &json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Reopened once, answered again, closed: the record keeps the first answer and the count.
        desk.agent.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "in_progress", "body": "Still blank"})).await;
        tech.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "answered"})).await;
        let (status, closed) = desk.agent.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "closed"})).await;
        assert_eq!(status, StatusCode::OK, "{closed}");
        assert_eq!(closed["escalation"]["reopened"], 1);
        assert_eq!(closed["escalation"]["answered_at"], answered["escalation"]["answered_at"]);
        let (status, problem) = tech.post(&format!("/api/v1/escalations/{case}/messages"), &json!({"body": "One more thing"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert_eq!(problem["code"], "escalation_ended");

        // Every share and move is in the audit log.
        let (_, audit) = desk.admin.get("/api/v1/audit").await;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"escalation_shared") && actions.contains(&"escalation_moved") && actions.contains(&"vendor_created"), "{actions:?}");
    }
}

test_both! {
    async fn overdue_escalations_lead_the_queue(db: TestDb) {
        let desk = desk(db).await;
        let quick = vendor(&desk, "QuickSoft", "isv", &[]).await;
        let (status, _) = desk.admin.patch(&format!("/api/v1/vendors/{quick}"), &json!({"targets": {"acknowledge_minutes": 1, "answer_minutes": 1}})).await;
        assert_eq!(status, StatusCode::OK);
        let t = printer_ticket(&desk).await;
        let tid = first_message(&t);
        let (_, made) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &json!({"vendor": quick, "brief": "Crash on start"})).await;
        let case = made["escalation"]["id"].as_str().unwrap().to_owned();
        assert_eq!(made["escalation"]["overdue"], false);
        let (_, none) = desk.agent.get("/api/v1/escalations?overdue=true").await;
        assert_eq!(none["total"], 0);
        // Shift the clock by ageing the record: nothing else can make a minute pass in a test.
        desk.app.app().store.write(move |conn| kefu_testkit::age_escalation(conn, &case, 5)).await.unwrap();
        let (_, overdue) = desk.agent.get("/api/v1/escalations?overdue=true").await;
        assert_eq!(overdue["total"], 1, "{overdue}");
        assert_eq!(overdue["items"][0]["overdue"], true);
        let (status, problem) = desk.agent.get("/api/v1/escalations?status=lost").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        let (status, _) = desk.agent.get("/api/v1/escalations?limit=1000").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

test_both! {
    async fn each_side_hears_of_the_other_by_mail_in_their_language(db: TestDb) {
        let desk = desk(db).await;
        let store = desk.app.app().store.clone();
        let printco = vendor(&desk, "PrintCo", "oem", &["LaserJet"]).await;
        let (status, _) = desk.admin.post("/api/v1/users", &json!({"email": "wang@printco.example", "name": "王工", "role": "vendor", "vendor": printco, "password": "correct-horse-9", "locale": "zh-CN"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let wang = desk.app.login("wang@printco.example", "correct-horse-9").await;
        let quiet = vendor_user(&desk, &printco, "quiet@printco.example").await;
        let (status, _) = quiet.put("/api/v1/me/notifications", &json!({"assigned": true, "customer_replied": true, "escalation_new": false, "escalation_reply": false})).await;
        assert_eq!(status, StatusCode::OK);
        let t = printer_ticket(&desk).await;
        let tid = first_message(&t);
        let (status, body) = desk.agent.patch(&format!("/api/v1/tickets/{tid}"), &json!({"assignee_id": desk.agent_user.id})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        crate::mail_handling::outbox_now(&store).await;

        let (_, made) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &json!({"vendor": printco, "brief": "Blank pages since the update"})).await;
        let case = made["escalation"]["id"].as_str().unwrap().to_owned();
        let reference = made["escalation"]["reference"].as_str().unwrap().to_owned();
        let sent = crate::mail_handling::outbox_now(&store).await;
        assert_eq!(sent.len(), 1, "only the user who wants new cases hears: {sent:?}");
        assert_eq!(sent[0].to[0].address, "wang@printco.example");
        assert!(sent[0].subject.contains(&reference) && sent[0].subject.contains("新案例"), "{}", sent[0].subject);
        assert!(sent[0].text.contains(&format!("/vendor/{case}")), "{}", sent[0].text);
        assert!(!sent[0].text.contains("Li Wei") && !sent[0].text.contains(&format!("#{}", t["number"])), "no customer, no ticket: {}", sent[0].text);

        // The vendor answers: the ticket's assignee hears, with the answer.
        wang.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "answered", "body": "请安装 2.02 版固件"})).await;
        let sent = crate::mail_handling::outbox_now(&store).await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].to[0].address, desk.agent_user.email);
        assert!(sent[0].subject.starts_with("PrintCo answered on ticket"), "{}", sent[0].subject);
        assert!(sent[0].text.contains("请安装 2.02 版固件"));

        // The agent writes back: the vendor's users hear.
        desk.agent.post(&format!("/api/v1/escalations/{case}/status"), &json!({"status": "in_progress", "body": "Still blank after 2.02"})).await;
        let sent = crate::mail_handling::outbox_now(&store).await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].to[0].address, "wang@printco.example");
        assert!(sent[0].text.contains("Still blank after 2.02"));

        // A vendor without portal users gets the case at its contact addresses.
        let courier = vendor(&desk, "ShipFast", "logistics", &[]).await;
        desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &json!({"vendor": courier, "brief": "Parcel lost"})).await;
        let sent = crate::mail_handling::outbox_now(&store).await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].to[0].address, "cases@shipfast.example");
        assert!(sent[0].text.contains("Parcel lost"), "{}", sent[0].text);
    }
}

test_both! {
    async fn the_scorecard_measures_each_vendor(db: TestDb) {
        let desk = desk(db).await;
        let printco = vendor(&desk, "PrintCo", "oem", &[]).await;
        let courier = vendor(&desk, "ShipFast", "logistics", &[]).await;
        let tech = vendor_user(&desk, &printco, "tech@printco.example").await;
        let t = printer_ticket(&desk).await;
        let tid = first_message(&t);
        let escalate = |v: &str| json!({"vendor": v, "brief": "Please help", "hold_ticket": false});
        let mut cases = Vec::new();
        for _ in 0..3 {
            let (_, made) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &escalate(&printco)).await;
            cases.push(made["escalation"]["id"].as_str().unwrap().to_owned());
        }
        // One answered at once, one returned, one reopened after its answer; one cancelled.
        tech.post(&format!("/api/v1/escalations/{}/status", cases[0]), &json!({"status": "answered"})).await;
        tech.post(&format!("/api/v1/escalations/{}/status", cases[1]), &json!({"status": "returned"})).await;
        tech.post(&format!("/api/v1/escalations/{}/status", cases[2]), &json!({"status": "answered"})).await;
        desk.agent.post(&format!("/api/v1/escalations/{}/status", cases[2]), &json!({"status": "in_progress"})).await;
        let (_, cancelled) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &escalate(&printco)).await;
        desk.agent.post(&format!("/api/v1/escalations/{}/status", cancelled["escalation"]["id"].as_str().unwrap()), &json!({"status": "cancelled"})).await;
        // The first case was answered late: ten days after it was made, past its one-day target.
        let first = cases[0].clone();
        desk.app.app().store.write(move |conn| kefu_testkit::age_escalation(conn, &first, 10 * 24 * 60)).await.unwrap();

        let (status, card) = desk.agent.get("/api/v1/vendor-scorecard").await;
        assert_eq!(status, StatusCode::OK, "{card}");
        let items = card["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "every vendor, with or without escalations");
        let p = items.iter().find(|i| i["vendor"]["id"] == printco.as_str()).unwrap();
        assert_eq!(p["opened"], 4);
        assert_eq!(p["acknowledged"], 3);
        assert_eq!(p["answered"], 2);
        assert!((p["answered_within_target"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9, "{p}");
        assert!((p["returned"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9, "{p}");
        assert!((p["reopened_after_answer"].as_f64().unwrap() - 0.5).abs() < 1e-9, "{p}");
        // The late answer took ten days: the 90th percentile is it, the median the quick one.
        assert!(p["answer_p90_minutes"].as_f64().unwrap() >= 10.0 * 24.0 * 60.0 - 1.0, "{p}");
        assert!(p["answer_median_minutes"].as_f64().unwrap() < 5.0, "{p}");
        let c = items.iter().find(|i| i["vendor"]["id"] == courier.as_str()).unwrap();
        assert_eq!(c["opened"], 0);
        assert_eq!(c["answered_within_target"], Value::Null);

        // Outside the period, nothing counts; a bad period is refused.
        let (_, old) = desk.agent.get("/api/v1/vendor-scorecard?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z").await;
        assert!(old["items"].as_array().unwrap().iter().all(|i| i["opened"] == 0));
        let (status, _) = desk.agent.get("/api/v1/vendor-scorecard?from=2026-02-01T00:00:00Z&to=2020-02-01T00:00:00Z").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let response = desk.agent.request(reqwest::Method::GET, "/api/v1/vendor-scorecard.csv").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = response.text().await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("vendor,kind,opened,"));
        assert!(lines.iter().any(|l| l.starts_with("PrintCo,oem,4,3,2,")), "{text}");
    }
}

test_both! {
    async fn a_vendors_api_key_reads_and_answers_only_its_own_escalations(db: TestDb) {
        let desk = desk(db).await;
        let printco = vendor(&desk, "PrintCo", "oem", &["LaserJet"]).await;
        let courier = vendor(&desk, "ShipFast", "logistics", &[]).await;
        let t = printer_ticket(&desk).await;
        let tid = first_message(&t);
        let escalate = |vendor: &str| json!({"vendor": vendor, "brief": "Please look at this"});
        let (_, mine) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &escalate(&printco)).await;
        let (_, theirs) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &escalate(&courier)).await;
        let mine = mine["escalation"]["id"].as_str().unwrap().to_owned();
        let theirs = theirs["escalation"]["id"].as_str().unwrap().to_owned();

        let (status, none) = desk.admin.get(&format!("/api/v1/vendors/{printco}/api-key")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(none["active"], false);
        let (status, made) = desk.admin.post(&format!("/api/v1/vendors/{printco}/api-key"), &json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let key = made["key"].as_str().unwrap().to_owned();
        let (_, shown) = desk.admin.get(&format!("/api/v1/vendors/{printco}/api-key")).await;
        assert_eq!(shown["active"], true);
        assert_eq!(shown["key"], Value::Null, "the key is shown once");

        // The key acts for PrintCo: its queue, its case, and it may answer it.
        let system = desk.app.anonymous().with_bearer(&key);
        let (status, queue) = system.get("/api/v1/escalations").await;
        assert_eq!(status, StatusCode::OK, "{queue}");
        assert_eq!(queue["total"], 1);
        assert_eq!(queue["items"][0]["id"], mine.as_str());
        let (status, answered) = system.post(&format!("/api/v1/escalations/{mine}/status"), &json!({"status": "answered", "body": "Fixed in firmware 2.02."})).await;
        assert_eq!(status, StatusCode::OK, "{answered}");
        let (_, agent_view) = desk.agent.get(&format!("/api/v1/escalations/{mine}")).await;
        assert_eq!(agent_view["escalation"]["status"], "answered");
        let reply = agent_view["thread"].as_array().unwrap().iter().rfind(|e| e["kind"] == "reply").unwrap().clone();
        assert_eq!(reply["author"]["name"], "PrintCo · API");

        // Nothing else: another vendor's case, the ticket, the customer, the agents.
        for path in [
            format!("/api/v1/escalations/{theirs}"),
            format!("/api/v1/tickets/{tid}"),
            format!("/api/v1/customers/{}", t["requester"]["id"].as_str().unwrap()),
            "/api/v1/users".to_owned(),
            "/api/v1/tickets".to_owned(),
        ] {
            let (status, body) = system.get(&path).await;
            assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{path}: {status} {body}");
        }
        // The account the key acts as gets no mail, and counts as no portal user.
        let (_, vendors) = desk.admin.get(&format!("/api/v1/vendors/{printco}")).await;
        assert_eq!(vendors["portal_users"], 0, "{vendors}");

        // Revoked (or replaced), the key is refused.
        let (status, _) = desk.admin.post(&format!("/api/v1/vendors/{printco}/api-key"), &json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = system.get("/api/v1/escalations").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the replaced key no longer works");
        let (status, revoked) = desk.admin.delete(&format!("/api/v1/vendors/{printco}/api-key")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(revoked["active"], false);
        let (_, audit) = desk.admin.get("/api/v1/audit?limit=20").await;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        assert!(actions.contains(&"vendor_api_key_created") && actions.contains(&"vendor_api_key_revoked"), "{actions:?}");
    }
}

test_both! {
    async fn a_vendor_attaches_a_file_the_agent_downloads(db: TestDb) {
        let desk = desk(db).await;
        let printco = vendor(&desk, "PrintCo", "oem", &["LaserJet"]).await;
        let tech = vendor_user(&desk, &printco, "tech@printco.example").await;
        let t = printer_ticket(&desk).await;
        let tid = first_message(&t);
        let (_, made) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &json!({"vendor": printco, "brief": "Blank pages"})).await;
        let case = made["escalation"]["id"].as_str().unwrap().to_owned();
        let log = "firmware 2.01.7\nerror 0x4F at page feed\n";
        let sent = tech
            .request(reqwest::Method::POST, &format!("/api/v1/escalations/{case}/files?name=printer%20log.txt&body=Our%20log"))
            .body(log)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), StatusCode::CREATED);
        let detail: Value = sent.json().await.unwrap();
        let reply = detail["thread"].as_array().unwrap().iter().rfind(|e| e["kind"] == "reply").unwrap().clone();
        assert_eq!(reply["body"], "Our log");
        assert_eq!(reply["files"][0]["name"], "printer log.txt");
        assert_eq!(detail["escalation"]["status"], "acknowledged", "a vendor's first word acknowledges");
        let url = reply["files"][0]["url"].as_str().unwrap().to_owned();
        let got = desk.agent.request(reqwest::Method::GET, &url).send().await.unwrap();
        assert_eq!(got.status(), StatusCode::OK);
        assert_eq!(got.text().await.unwrap(), log);
        // Files Kefu does not take are refused with the reason; the thread is unchanged.
        let refused = tech
            .request(reqwest::Method::POST, &format!("/api/v1/escalations/{case}/files?name=tool.exe"))
            .body(vec![0x4d_u8, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let (_, after) = desk.agent.get(&format!("/api/v1/escalations/{case}")).await;
        assert_eq!(after["thread"].as_array().unwrap().len(), detail["thread"].as_array().unwrap().len());
    }
}
