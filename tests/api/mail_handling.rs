//! Handling mail over HTTP: admins edit a template with a preview and a broken one is refused
//! on save; customers get the acknowledgement in their language; agents choose their
//! notifications; a forgotten password is mailed as a link that works once; an agent moves a
//! mail to the ticket it belongs on or splits it off.

use kefu_mail::outbound::Outbound;
use kefu_store::mail::outbox;
use kefu_testkit::{INBOUND_SECRET, TestClient, test_both};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::desk;

async fn send_raw(client: &TestClient, raw: &str) -> Value {
    let request = client
        .request(Method::POST, "/api/v1/inbound/email")
        .header("Content-Type", "message/rfc822")
        .bearer_auth(INBOUND_SECRET)
        .body(raw.replace('\n', "\r\n"));
    let (status, body) = client.send(request).await;
    assert!(status.is_success(), "{status} {body}");
    body
}

/// Everything waiting in the outbox now (claimed, so each call sees only what is new).
pub(crate) async fn outbox_now(store: &kefu_store::Store) -> Vec<Outbound> {
    store
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

fn mail(from: &str, id: &str, subject: &str, body: &str) -> String {
    format!(
        "From: {from}\nTo: support@shop.example\nSubject: {subject}\nMessage-ID: <{id}>\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

test_both! {
    async fn an_admin_edits_a_template_and_customers_get_it_in_their_language(db: TestDb) {
        let desk = desk(db).await;
        let anyone = desk.app.anonymous();
        let store = desk.app.db.store.clone();
        let (status, _) = desk.admin.post("/api/v1/mailboxes", &json!({"name": "Support", "address": "support@shop.example", "team_id": desk.team, "stage": "after_sale"})).await;
        assert_eq!(status, StatusCode::CREATED);

        let (status, all) = desk.admin.get("/api/v1/mail/templates").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(all.as_array().unwrap().len(), 28, "fourteen kinds in two languages");
        let (_, shipped) = desk.admin.get("/api/v1/mail/templates/acknowledgement/zh-CN").await;
        assert_eq!(shipped["customized"], false);
        assert!(shipped["subject"].as_str().unwrap().contains("我们已收到您的请求"));
        assert!(shipped["variables"].as_array().unwrap().contains(&json!("ticket.number")));

        // A typo is refused on save, naming the part and the line.
        let broken = json!({"subject": "Got it", "text": "Hello\n{{ custmer.name }}", "html": "<p>Hello</p>"});
        let (status, problem) = desk.admin.put("/api/v1/mail/templates/acknowledgement/en", &broken).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "invalid_template");
        assert!(problem["detail"].as_str().unwrap_or_default().contains("text, line 2") || problem.to_string().contains("text, line 2"), "{problem}");
        let (status, _) = desk.admin.post("/api/v1/mail/templates/acknowledgement/en/preview", &broken).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the preview refuses it the same way");
        let (status, _) = desk.admin.put("/api/v1/mail/templates/acknowledgement/en", &json!({"subject": "{% if %}", "text": "x", "html": ""})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "broken syntax too");

        // The preview renders with sample values, escaping them in HTML.
        let draft = json!({"subject": "Ticket {{ ticket.number }} is open", "text": "Dear {{ customer.name }}, we have ticket {{ ticket.number }}.", "html": "<p>Dear <b>{{ customer.name }}</b></p>"});
        let (status, preview) = desk.admin.post("/api/v1/mail/templates/acknowledgement/en/preview", &draft).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["subject"], "Ticket 1042 is open");
        assert!(preview["html"].as_str().unwrap().contains("<p>Dear <b>Dana Li</b></p>"), "{preview}");

        // The editor's frame shows the draft's HTML under its own policy: no scripts, nothing
        // remote.
        let encoded = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, draft.to_string());
        let response = desk.admin.request(Method::GET, &format!("/api/v1/mail/templates/acknowledgement/en/preview.html?draft={encoded}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(policy.contains("default-src 'none'") && policy.contains("sandbox"), "{policy}");
        assert!(response.text().await.unwrap().contains("<p>Dear <b>Dana Li</b></p>"));
        let response = desk.agent.request(Method::GET, "/api/v1/mail/templates/acknowledgement/en/preview.html").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "admins only");

        let (status, saved) = desk.admin.put("/api/v1/mail/templates/acknowledgement/en", &draft).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["customized"], true);

        // An English customer gets the admin's template; a Chinese one Kefu's Chinese one.
        let created = send_raw(&anyone, &mail("Dana <dana@example.com>", "e1@example.com", "Broken hinge", "The hinge broke.")).await;
        let number = created["ticket_number"].as_i64().unwrap();
        let sent = outbox_now(&store).await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].subject, format!("[#{number}] Ticket {number} is open"));
        assert!(sent[0].text.contains(&format!("Dear Dana, we have ticket {number}.")), "{}", sent[0].text);
        assert!(sent[0].automatic);

        send_raw(&anyone, &mail("李雷 <lilei@example.cn>", "c1@example.cn", "=?UTF-8?B?5omT5Y2w5py65Y2h57q4?=", "打印机卡纸了。")).await;
        let sent = outbox_now(&store).await;
        assert_eq!(sent.len(), 1);
        assert!(sent[0].subject.contains("我们已收到您的请求：打印机卡纸"), "{}", sent[0].subject);

        // An auto-reply is never acknowledged.
        send_raw(&anyone, &format!("Auto-Submitted: auto-replied\n{}", mail("bot@example.org", "bot1@example.org", "Out of office", "I am away."))).await;
        assert!(outbox_now(&store).await.is_empty(), "no answer to automatic mail");

        // Back to Kefu's own template.
        let (status, reset) = desk.admin.delete("/api/v1/mail/templates/acknowledgement/en").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(reset["customized"], false);
        assert!(reset["subject"].as_str().unwrap().starts_with("We received your request"));
        let (_, log) = desk.admin.get("/api/v1/audit?limit=10").await;
        let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        assert!(actions.contains(&"mail_template_changed") && actions.contains(&"mail_template_reset"), "{actions:?}");
    }
}

test_both! {
    async fn a_mailbox_can_stop_acknowledging_and_agents_choose_their_notifications(db: TestDb) {
        let desk = desk(db).await;
        let anyone = desk.app.anonymous();
        let store = desk.app.db.store.clone();
        let (status, _) = desk.admin.post("/api/v1/mailboxes", &json!({"name": "Support", "address": "support@shop.example", "team_id": desk.team, "acknowledge": false})).await;
        assert_eq!(status, StatusCode::CREATED);

        let created = send_raw(&anyone, &mail("ana@example.com", "n1@example.com", "Refund", "Refund please.")).await;
        assert!(outbox_now(&store).await.is_empty(), "this mailbox sends no acknowledgement");
        let ticket = created["ticket_id"].as_str().unwrap().to_owned();

        let (status, settings) = desk.agent.get("/api/v1/me/notifications").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(settings, json!({"assigned": true, "customer_replied": true, "vendor_update": true, "escalation_new": true, "escalation_reply": true}), "every notification until chosen");

        // The admin assigns the ticket: the agent is told, in their language, with a link.
        let (status, _) = desk.agent.patch("/api/v1/me", &json!({"locale": "zh-CN"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = desk.admin.patch(&format!("/api/v1/tickets/{ticket}"), &json!({"assignee_id": desk.agent_user.id})).await;
        assert_eq!(status, StatusCode::OK);
        let sent = outbox_now(&store).await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].to[0].address, "agent@example.com");
        assert!(sent[0].subject.contains("已分配给您"), "{}", sent[0].subject);
        assert!(sent[0].text.contains(&format!("/tickets/{}", created["ticket_number"])), "{}", sent[0].text);

        // The agent turns "customer replied" off: the customer's answer tells nobody.
        let (status, saved) = desk.agent.put("/api/v1/me/notifications", &json!({"assigned": true, "customer_replied": false})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(saved["customer_replied"], false);
        let number = created["ticket_number"].as_i64().unwrap();
        send_raw(&anyone, &mail("ana@example.com", "n2@example.com", &format!("Re: [#{number}] Refund"), "Any news?")).await;
        assert!(outbox_now(&store).await.is_empty(), "the agent chose not to be told");

        // Agents assigning themselves are not told.
        let (status, _) = desk.agent.patch(&format!("/api/v1/tickets/{ticket}"), &json!({"assignee_id": null})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = desk.agent.patch(&format!("/api/v1/tickets/{ticket}"), &json!({"assignee_id": desk.agent_user.id})).await;
        assert_eq!(status, StatusCode::OK);
        assert!(outbox_now(&store).await.is_empty());
    }
}

test_both! {
    async fn a_forgotten_password_is_mailed_as_a_link_that_works_once(db: TestDb) {
        let desk = desk(db).await;
        let anyone = desk.app.anonymous();
        let store = desk.app.db.store.clone();

        let (status, _) = anyone.post("/api/v1/auth/forgot-password", &json!({"email": "nobody@example.com"})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "the same answer for an address without an account");
        assert!(outbox_now(&store).await.is_empty());

        let (status, _) = anyone.post("/api/v1/auth/forgot-password", &json!({"email": "Agent@Example.com"})).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let sent = outbox_now(&store).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to[0].address, "agent@example.com");
        assert_eq!(sent[0].subject, "Reset your Kefu password");
        let link = sent[0].text.split_whitespace().find(|w| w.contains("/reset-password?token=")).expect("a link").to_owned();
        let token = link.rsplit("token=").next().unwrap();

        let (status, _) = anyone.post("/api/v1/auth/password-reset", &json!({"token": token, "new_password": "a-new-horse-42"})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = anyone.post("/api/v1/auth/password-reset", &json!({"token": token, "new_password": "another-horse-43"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "once");
        let (status, _) = anyone.post("/api/v1/auth/login", &json!({"email": "agent@example.com", "password": "a-new-horse-42"})).await;
        assert_eq!(status, StatusCode::OK);

        // Nobody's inbox can be flooded.
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(anyone.post("/api/v1/auth/forgot-password", &json!({"email": "agent@example.com"})).await.0);
        }
        assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    }
}

test_both! {
    async fn an_agent_moves_a_mail_to_its_ticket_or_splits_it_off(db: TestDb) {
        let desk = desk(db).await;
        let anyone = desk.app.anonymous();
        let first = send_raw(&anyone, &mail("Ana <ana@example.com>", "s1@example.com", "Broken hinge", "The hinge broke.")).await;
        let hinge = first["ticket_id"].as_str().unwrap().to_owned();
        // Ana answers the thread about something else entirely.
        let other = send_raw(&anyone, &format!("In-Reply-To: <s1@example.com>\n{}", mail("Ana <ana@example.com>", "s2@example.com", "Re: Broken hinge", "Also, where is my invoice for order 88?"))).await;
        assert_eq!(other["ticket_id"].as_str(), Some(hinge.as_str()), "threaded by its headers");
        let invoice_mail = other["message_id"].as_str().unwrap().to_owned();

        let (status, split) = desk.agent.post(&format!("/api/v1/tickets/{hinge}/messages/{invoice_mail}/move"), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{split}");
        assert_eq!(split["created"], true);
        let invoice = split["ticket_id"].as_str().unwrap().to_owned();
        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{invoice}")).await;
        assert_eq!(shown["subject"], "Broken hinge", "the new ticket takes the mail's subject");
        assert_eq!(shown["requester"]["name"], "Ana");
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{invoice}/messages")).await;
        let items = timeline["items"].as_array().unwrap();
        let moved = items.iter().find(|m| m["id"] == invoice_mail.as_str()).expect("the mail is on the new ticket");
        assert_eq!(moved["email"]["thread_rule"], "split");
        assert!(items.iter().any(|m| m["body"].as_str().unwrap_or_default().contains("moved a mail here from")), "{timeline}");
        let (_, old) = desk.agent.get(&format!("/api/v1/tickets/{hinge}/messages")).await;
        let old = old["items"].as_array().unwrap();
        assert!(old.iter().all(|m| m["id"] != invoice_mail.as_str()), "gone from the old ticket");
        assert!(old.iter().any(|m| m["body"].as_str().unwrap_or_default().contains(&format!("moved a mail to #{}", split["ticket_number"]))));
        let (_, found) = desk.agent.get("/api/v1/tickets?q=invoice").await;
        let hits: Vec<&str> = found["items"].as_array().unwrap().iter().filter_map(|h| h["id"].as_str()).collect();
        assert_eq!(hits, [invoice.as_str()], "search finds the mail on its new ticket only: {found}");

        // Bob's mail about the hinge opened a ticket of its own; it belongs on Ana's.
        let bob = send_raw(&anyone, &mail("Bob <bob@example.com>", "b1@example.com", "Hinge for Ana", "I am Ana's colleague; the hinge is for her.")).await;
        let bob_ticket = bob["ticket_id"].as_str().unwrap().to_owned();
        let bob_mail = bob["message_id"].as_str().unwrap().to_owned();
        let (status, moved) = desk.agent.post(&format!("/api/v1/tickets/{bob_ticket}/messages/{bob_mail}/move"), &json!({"to_ticket": format!("#{}", first["ticket_number"])})).await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["ticket_id"].as_str(), Some(hinge.as_str()));
        assert_eq!(moved["created"], false);
        // Bob now takes part: the agent's reply goes to him too.
        let (status, posted) = desk.agent.post(&format!("/api/v1/tickets/{hinge}/messages"), &json!({"body": "A new hinge is on its way."})).await;
        assert_eq!(status, StatusCode::CREATED);
        let everyone: Vec<&str> = posted["email"]["to"].as_array().unwrap().iter().chain(posted["email"]["cc"].as_array().unwrap()).filter_map(|p| p["address"].as_str()).collect();
        assert!(everyone.contains(&"ana@example.com") && everyone.contains(&"bob@example.com"), "{everyone:?}");

        // What cannot be moved says why.
        let sent = posted["id"].as_str().unwrap();
        let (status, problem) = desk.agent.post(&format!("/api/v1/tickets/{hinge}/messages/{sent}/move"), &json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an agent's own reply stays: {problem}");
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{hinge}/messages/{bob_mail}/move"), &json!({"to_ticket": hinge})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not onto its own ticket");
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{hinge}/messages/{bob_mail}/move"), &json!({"to_ticket": "#999999"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

test_both! {
    async fn the_agent_sees_and_edits_who_a_reply_is_mailed_to(db: TestDb) {
        let desk = desk(db).await;
        let anyone = desk.app.anonymous();
        let first = send_raw(&anyone, &format!("Cc: Han <han@example.cn>\n{}", mail("Li Lei <lilei@example.cn>", "r1@example.cn", "Invoice", "Please send the invoice."))).await;
        let ticket = first["ticket_id"].as_str().unwrap().to_owned();

        let (status, shown) = desk.agent.get(&format!("/api/v1/tickets/{ticket}/mail-recipients")).await;
        assert_eq!(status, StatusCode::OK, "{shown}");
        assert_eq!(shown["by_mail"], true);
        assert_eq!(shown["to"][0]["address"], "lilei@example.cn");
        assert_eq!(shown["cc"][0]["address"], "han@example.cn");

        // The agent drops Han and copies the accountant instead.
        let (status, posted) = desk.agent.post(&format!("/api/v1/tickets/{ticket}/messages"), &json!({
            "body": "The invoice is attached.", "mail_to": ["lilei@example.cn"], "mail_cc": ["accounts@shop.example", "LiLei@example.cn"],
        })).await;
        assert_eq!(status, StatusCode::CREATED, "{posted}");
        assert_eq!(posted["email"]["to"][0]["address"], "lilei@example.cn");
        assert_eq!(posted["email"]["to"][0]["name"], "Li Lei", "a known person keeps their name");
        let cc: Vec<&str> = posted["email"]["cc"].as_array().unwrap().iter().filter_map(|p| p["address"].as_str()).collect();
        assert_eq!(cc, ["accounts@shop.example"], "Han is left out, the requester is not copied twice");
        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{ticket}/mail-recipients")).await;
        let cc: Vec<&str> = shown["cc"].as_array().unwrap().iter().filter_map(|p| p["address"].as_str()).collect();
        assert!(cc.contains(&"accounts@shop.example") && cc.contains(&"han@example.cn"), "the newcomer takes part from now on: {cc:?}");

        for (body, code) in [
            (json!({"body": "x", "mail_to": ["not an address"]}), "invalid_recipient"),
            (json!({"body": "x", "mail_to": [], "mail_cc": []}), "no_recipient"),
            (json!({"body": "x", "visibility": "internal", "mail_to": ["lilei@example.cn"]}), "recipients_not_allowed"),
            (json!({"body": "x", "mail_to": (0..21).map(|i| format!("p{i}@example.com")).collect::<Vec<_>>()}), "too_many_recipients"),
        ] {
            let (status, problem) = desk.agent.post(&format!("/api/v1/tickets/{ticket}/messages"), &body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {problem}");
            assert_eq!(problem["code"], code, "{problem}");
        }
        let (status, phone) = desk.agent.post("/api/v1/tickets", &json!({"subject": "Question from the shop page", "channel": "web", "requester": {"name": "Wang", "email": "wang@example.com"}})).await;
        assert_eq!(status, StatusCode::CREATED, "{phone}");
        let phone = phone["id"].as_str().unwrap();
        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{phone}/mail-recipients")).await;
        assert_eq!(shown["by_mail"], false);
        let (status, problem) = desk.agent.post(&format!("/api/v1/tickets/{phone}/messages"), &json!({"body": "x", "mail_to": ["wang@example.com"]})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_by_mail")));
    }
}
