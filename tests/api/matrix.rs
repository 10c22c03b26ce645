//! The permission matrix: every operation of the OpenAPI document against every kind of
//! caller, on both backends, with the exact status each must get. An operation without a row
//! fails the test, so a new endpoint cannot ship without deciding who may call it.

use std::collections::BTreeSet;

use kefu_domain::role::Role;
use kefu_testkit::{TestClient, test_both};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{desk, ticket};

/// The callers, in the order of each row's statuses.
const WHO: [&str; 7] = [
    "anonymous",
    "customer A",
    "customer B",
    "vendor",
    "agent",
    "admin",
    "deactivated",
];

/// The body a caller sends, by the caller's name.
type BodyFor = Box<dyn Fn(&str) -> Option<Value>>;

/// One operation: its id in the OpenAPI document, the request, and the status for each caller.
struct Row {
    operation: &'static str,
    method: Method,
    path: String,
    body: BodyFor,
    expect: [u16; 7],
}

fn row(
    operation: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
    expect: [u16; 7],
) -> Row {
    Row {
        operation,
        method,
        path,
        body: Box::new(move |_| body.clone()),
        expect,
    }
}

async fn operations(client: &TestClient) -> BTreeSet<String> {
    let (status, document) = client.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    document["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        .collect()
}

test_both! {
    async fn every_operation_against_every_caller(db: TestDb) {
        let desk = desk(db).await;
        let (a_user, customer_a) = desk.app.user(Role::Customer, "a@example.com").await;
        let (_, customer_b) = desk.app.user(Role::Customer, "b@example.com").await;
        let (status, vendor_a) = desk.admin.post("/api/v1/vendors", &json!({"name": "PrintCo", "kind": "oem", "coverage": ["LaserJet"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{vendor_a}");
        let vendor_a = vendor_a["id"].as_str().unwrap().to_owned();
        let (_, vendor_b) = desk.admin.post("/api/v1/vendors", &json!({"name": "ShipFast", "kind": "logistics", "contacts": ["cases@shipfast.example"]})).await;
        let vendor_b = vendor_b["id"].as_str().unwrap().to_owned();
        let (status, vendor_user) = desk.admin.post("/api/v1/users", &json!({"email": "vendor@example.com", "name": "Vendor", "role": "vendor", "vendor": vendor_a, "password": "correct-horse-9"})).await;
        assert_eq!(status, StatusCode::CREATED, "{vendor_user}");
        let vendor_user: kefu_api_types::accounts::UserResponse = serde_json::from_value(vendor_user).unwrap();
        let vendor = desk.app.login("vendor@example.com", "correct-horse-9").await;
        let (gone_user, gone) = desk.app.user(Role::Agent, "gone@example.com").await;
        let (status, _) = desk.admin.patch(&format!("/api/v1/users/{}", gone_user.id), &json!({"active": false})).await;
        assert_eq!(status, StatusCode::OK);
        let callers = [desk.app.anonymous(), customer_a.clone(), customer_b, vendor.clone(), desk.agent.clone(), desk.admin.clone(), gone];

        let t = ticket(&desk.agent, json!({
            "subject": "Warranty claim", "channel": "email",
            "requester": {"email": "a@example.com"}, "message": {"body": "Cracked screen"},
        })).await;
        let tid = t["id"].as_str().unwrap().to_owned();
        let install = ticket(&desk.agent, json!({
            "subject": "Install the washer", "channel": "email", "stage": "after_sale",
            "requester": {"email": "a@example.com"}, "message": {"body": "Please install it"},
        })).await;
        let install = install["id"].as_str().unwrap().to_owned();
        let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
        let window = json!({"start": tomorrow, "end": tomorrow + chrono::Duration::hours(2)});
        let visit_body = json!({"technician": {"user": desk.agent_user.id}, "address": "1 Main St", "start": window["start"], "end": window["end"], "task": "Install"});
        let (status, visit) = desk.agent.post(&format!("/api/v1/tickets/{install}/visits"), &visit_body).await;
        assert_eq!(status, StatusCode::CREATED, "{visit}");
        let visit = visit["id"].as_str().unwrap().to_owned();
        let customer = t["requester"]["id"].as_str().unwrap().to_owned();
        assert_eq!(t["requester"]["email"], a_user.email);
        let (_, admin_token) = desk.admin.post("/api/v1/me/tokens", &json!({"name": "Matrix", "scope": "read"})).await;
        let admin_token = admin_token["item"]["id"].as_str().unwrap().to_owned();
        let team = desk.team.clone();
        let agent_id = desk.agent_user.id;
        let widget_body = json!({"name": "Shop", "origins": ["https://shop.example.com"], "after_sale_team_id": team});
        let (status, widget) = desk.admin.post("/api/v1/widgets", &widget_body).await;
        assert_eq!(status, StatusCode::CREATED, "{widget}");
        let widget = widget["id"].as_str().unwrap().to_owned();
        let (_, doomed) = desk.admin.post("/api/v1/widgets", &widget_body).await;
        let doomed = doomed["id"].as_str().unwrap().to_owned();
        let mailbox_team = team.clone();
        let mailbox_body = move |address: &str| json!({"name": "Support", "address": address, "team_id": mailbox_team, "stage": "after_sale"});
        let (status, mailbox) = desk.admin.post("/api/v1/mailboxes", &mailbox_body("support@shop.example")).await;
        assert_eq!(status, StatusCode::CREATED, "{mailbox}");
        let mailbox = mailbox["id"].as_str().unwrap().to_owned();
        let anonymous = desk.app.anonymous();
        let quarantined = || async {
            let request = anonymous.request(M::POST, "/api/v1/inbound/email")
                .bearer_auth(kefu_testkit::INBOUND_SECRET)
                .body("not a mail at all");
            let (status, body) = anonymous.send(request).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{body}");
            body["quarantine_id"].as_str().unwrap().to_owned()
        };
        let (kept, doomed_mail) = (quarantined().await, quarantined().await);
        let escalate = |vendor: &str| json!({"vendor": vendor, "brief": "Blank pages after the firmware update", "hold_ticket": false});
        let escalated = |body: Value| body["escalation"]["id"].as_str().unwrap().to_owned();
        let (status, esc_a) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &escalate(&vendor_a)).await;
        assert_eq!(status, StatusCode::CREATED, "{esc_a}");
        let esc_a = escalated(esc_a);
        let (_, esc_copy) = desk.agent.post(&format!("/api/v1/tickets/{tid}/escalations"), &escalate(&vendor_a)).await;
        let esc_copy = escalated(esc_copy);
        let (status, answered) = vendor.post(&format!("/api/v1/escalations/{esc_copy}/status"), &json!({"status": "answered", "body": "Roll back to firmware 2.01"})).await;
        assert_eq!(status, StatusCode::OK, "{answered}");
        let answer = answered["thread"].as_array().unwrap().iter().find(|e| e["kind"] == "reply").unwrap()["id"].as_str().unwrap().to_owned();
        let call = json!({"direction": "inbound", "from": "+8613800138000", "to": "+862155550100", "duration_seconds": 30, "outcome": "answered"});
        let day = json!([{"start": "09:00", "end": "18:00"}]);
        let calendar_body = json!({"name": "Shanghai office", "time_zone": "Asia/Shanghai",
            "week": [day, day, day, day, day, [], []],
            "exceptions": [{"date": "2026-10-01", "name": "National Day"}]});
        let (status, calendar) = desk.admin.post("/api/v1/calendars", &calendar_body).await;
        assert_eq!(status, StatusCode::CREATED, "{calendar}");
        let calendar = calendar["id"].as_str().unwrap().to_owned();
        let (_, doomed_calendar) = desk.admin.post("/api/v1/calendars", &calendar_body).await;
        let doomed_calendar = doomed_calendar["id"].as_str().unwrap().to_owned();
        let policy_body = json!({"name": "After-sale email", "calendar_id": calendar,
            "scope": {"stages": ["after_sale"], "channels": ["email"]},
            "targets": {"first_response": 480, "resolution": 1440}});
        let (status, policy) = desk.admin.post("/api/v1/sla-policies", &policy_body).await;
        assert_eq!(status, StatusCode::CREATED, "{policy}");
        let policy = policy["id"].as_str().unwrap().to_owned();
        let (_, doomed_policy) = desk.admin.post("/api/v1/sla-policies", &json!({"name": "Unused", "calendar_id": calendar, "active": false, "targets": {"resolution": 60}})).await;
        let doomed_policy = doomed_policy["id"].as_str().unwrap().to_owned();
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261002\r\nSUMMARY:国庆节\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let macro_body = json!({"title": "Greeting", "shortcut": "hi", "shared": true, "text_en": "Hi {{customer.name}}"});
        let (status, shared_macro) = desk.admin.post("/api/v1/macros", &macro_body).await;
        assert_eq!(status, StatusCode::CREATED, "{shared_macro}");
        let shared_macro = shared_macro["id"].as_str().unwrap().to_owned();
        let (_, doomed_macro) = desk.admin.post("/api/v1/macros", &macro_body).await;
        let doomed_macro = doomed_macro["id"].as_str().unwrap().to_owned();
        let rule_body = json!({"name": "Refunds", "conditions": {"keywords": ["退款", "refund"]},
            "actions": {"team_id": team, "priority": "high", "tags": ["refund"]}});
        let (status, rule) = desk.admin.post("/api/v1/routing-rules", &rule_body).await;
        assert_eq!(status, StatusCode::CREATED, "{rule}");
        let rule = rule["id"].as_str().unwrap().to_owned();
        let (_, doomed_rule) = desk.admin.post("/api/v1/routing-rules", &rule_body).await;
        let doomed_rule = doomed_rule["id"].as_str().unwrap().to_owned();
        let trigger_body = json!({"name": "Urgent by breach", "event": "sla_breached",
            "actions": [{"type": "set_priority", "priority": "urgent"}]});
        let (status, trigger) = desk.admin.post("/api/v1/triggers", &trigger_body).await;
        assert_eq!(status, StatusCode::CREATED, "{trigger}");
        let trigger = trigger["id"].as_str().unwrap().to_owned();
        let (_, doomed_trigger) = desk.admin.post("/api/v1/triggers", &trigger_body).await;
        let doomed_trigger = doomed_trigger["id"].as_str().unwrap().to_owned();
        let integration_body = json!({"name": "CRM", "url": "https://crm.example/hooks/kefu",
            "events": ["ticket.created", "message.created"]});
        let (status, integration) = desk.admin.post("/api/v1/integrations", &integration_body).await;
        assert_eq!(status, StatusCode::CREATED, "{integration}");
        let integration = integration["id"].as_str().unwrap().to_owned();
        let (_, doomed_integration) = desk.admin.post("/api/v1/integrations", &integration_body).await;
        let doomed_integration = doomed_integration["id"].as_str().unwrap().to_owned();
        // A call still waiting (the address never resolves, so it waits for its retry).
        let (_, log) = desk.admin.post(&format!("/api/v1/integrations/{integration}/ping"), &json!({})).await;
        let waiting_call = log["items"][0]["id"].as_str().unwrap().to_owned();
        let (status, phones) = desk.admin.put("/api/v1/telephony", &json!({"enabled": true, "stage": "after_sale"})).await;
        assert_eq!(status, StatusCode::OK, "{phones}");
        let forbidden_to_outsiders = |staff: u16| [401, 403, 403, 403, staff, staff, 401];
        let admins_only = |ok: u16| [401, 403, 403, 403, 403, ok, 401];
        let signed_in = |ok: u16| [401, ok, ok, ok, ok, ok, 401];
        let requester_and_staff = |ok: u16| [401, ok, 404, 404, ok, ok, 401];
        use Method as M;
        let mut rows = vec![
            row("login", M::POST, "/api/v1/auth/login".into(), Some(json!({"email": "a@example.com", "password": "wrong-password"})), [401; 7]),
            row("reset_password", M::POST, "/api/v1/auth/password-reset".into(), Some(json!({"token": "x".repeat(43), "new_password": "long-enough-1"})), [422; 7]),
            Row { operation: "forgot_password", method: M::POST, path: "/api/v1/auth/forgot-password".into(),
                body: Box::new(|who| Some(json!({"email": format!("{}@example.com", who.replace(' ', "-"))}))), expect: [202; 7] },
            // Staff and vendor users choose their mail; customers hear by mail anyway.
            row("get_notification_settings", M::GET, "/api/v1/me/notifications".into(), None, [401, 403, 403, 200, 200, 200, 401]),
            row("set_notification_settings", M::PUT, "/api/v1/me/notifications".into(), Some(json!({"assigned": false, "customer_replied": true})), [401, 403, 403, 200, 200, 200, 401]),
            row("get_me", M::GET, "/api/v1/me".into(), None, signed_in(200)),
            row("update_me", M::PATCH, "/api/v1/me".into(), Some(json!({"locale": "zh-CN"})), signed_in(200)),
            row("list_api_tokens", M::GET, "/api/v1/me/tokens".into(), None, forbidden_to_outsiders(200)),
            row("create_api_token", M::POST, "/api/v1/me/tokens".into(), Some(json!({"name": "Script", "scope": "read"})), forbidden_to_outsiders(201)),
            row("revoke_api_token", M::DELETE, format!("/api/v1/me/tokens/{admin_token}"), None, [401, 403, 403, 403, 404, 200, 401]),
            row("list_audit_events", M::GET, "/api/v1/audit".into(), None, admins_only(200)),
            row("list_users", M::GET, "/api/v1/users".into(), None, forbidden_to_outsiders(200)),
            Row { operation: "create_user", method: M::POST, path: "/api/v1/users".into(),
                body: Box::new(|who| Some(json!({"email": format!("new-{}@example.com", who.replace(' ', "-")), "name": "New", "role": "agent"}))),
                expect: admins_only(201) },
            row("get_user", M::GET, format!("/api/v1/users/{agent_id}"), None, [401, 404, 404, 404, 200, 200, 401]),
            row("update_user", M::PATCH, format!("/api/v1/users/{}", vendor_user.id), Some(json!({"name": "Vendor Co"})), admins_only(200)),
            row("list_teams", M::GET, "/api/v1/teams".into(), None, forbidden_to_outsiders(200)),
            Row { operation: "create_team", method: M::POST, path: "/api/v1/teams".into(),
                body: Box::new(|who| Some(json!({"name": format!("Team of {who}")}))),
                expect: admins_only(201) },
            row("get_team", M::GET, format!("/api/v1/teams/{team}"), None, forbidden_to_outsiders(200)),
            row("update_team", M::PATCH, format!("/api/v1/teams/{team}"), Some(json!({"description": "Orders and delivery"})), admins_only(200)),
            row("list_widgets", M::GET, "/api/v1/widgets".into(), None, forbidden_to_outsiders(200)),
            row("create_widget", M::POST, "/api/v1/widgets".into(), Some(widget_body.clone()), admins_only(201)),
            row("get_widget", M::GET, format!("/api/v1/widgets/{widget}"), None, forbidden_to_outsiders(200)),
            row("update_widget", M::PUT, format!("/api/v1/widgets/{widget}"), Some(widget_body.clone()), admins_only(200)),
            row("delete_widget", M::DELETE, format!("/api/v1/widgets/{doomed}"), None, admins_only(204)),
            // Without the Origin of one of the widget's websites, nobody gets a session.
            row("start_visitor_session", M::POST, format!("/api/v1/widgets/{widget}/visitor-sessions"), Some(json!({"key": "k".repeat(43)})), [404; 7]),
            row("get_chat_settings", M::GET, format!("/api/v1/teams/{team}/chat-settings"), None, forbidden_to_outsiders(200)),
            row("update_chat_settings", M::PUT, format!("/api/v1/teams/{team}/chat-settings"), Some(json!({"open": true, "capacity": 4, "grace_seconds": 90})), admins_only(200)),
            // Staff may send files only in chats they serve: this ticket is an email.
            row("send_chat_file", M::POST, format!("/api/v1/chat/files?client_id=m1&name=a.txt&ticket={tid}"), None, [401, 403, 403, 403, 404, 404, 401]),
            // Files are reached by their key alone, and a wrong key finds nothing.
            row("download_file", M::GET, "/api/v1/files/0193b8c0-0000-7000-8000-000000000000?key=nope".into(), None, [404; 7]),
            row("download_thumbnail", M::GET, "/api/v1/files/0193b8c0-0000-7000-8000-000000000000/thumbnail?key=nope".into(), None, [404; 7]),
            row("issue_socket_ticket", M::POST, "/api/v1/chat/socket-tickets".into(), None, forbidden_to_outsiders(201)),
            row("list_online_agents", M::GET, "/api/v1/chat/online-agents".into(), None, forbidden_to_outsiders(200)),
            // Staff see how a chat ticket came in; this ticket is an email, so it has no chat.
            row("get_ticket_chat", M::GET, format!("/api/v1/tickets/{tid}/chat"), None, [401, 403, 403, 403, 404, 404, 401]),
            // Raw mail needs the shared secret, which no session or token carries.
            row("receive_email", M::POST, "/api/v1/inbound/email".into(), Some(json!({"not": "a mail"})), [401; 7]),
            row("list_mailboxes", M::GET, "/api/v1/mailboxes".into(), None, admins_only(200)),
            Row { operation: "create_mailbox", method: M::POST, path: "/api/v1/mailboxes".into(),
                body: Box::new({
                    let mailbox_body = mailbox_body.clone();
                    move |who| Some(mailbox_body(&format!("{}@shop.example", who.replace(' ', "-"))))
                }),
                expect: admins_only(201) },
            row("get_mailbox", M::GET, format!("/api/v1/mailboxes/{mailbox}"), None, admins_only(200)),
            // This mailbox has no IMAP settings to check.
            row("check_mailbox", M::POST, format!("/api/v1/mailboxes/{mailbox}/check"), None, admins_only(422)),
            row("update_mailbox", M::PUT, format!("/api/v1/mailboxes/{mailbox}"), Some(mailbox_body("support@shop.example")), admins_only(200)),
            row("list_quarantine", M::GET, "/api/v1/mail/quarantine".into(), None, admins_only(200)),
            row("download_quarantined", M::GET, format!("/api/v1/mail/quarantine/{kept}/raw"), None, admins_only(200)),
            row("retry_quarantined", M::POST, format!("/api/v1/mail/quarantine/{kept}/retry"), None, admins_only(200)),
            row("delete_quarantined", M::DELETE, format!("/api/v1/mail/quarantine/{doomed_mail}"), None, admins_only(204)),
            row("get_smtp", M::GET, "/api/v1/mail/smtp".into(), None, admins_only(200)),
            row("set_smtp", M::PUT, "/api/v1/mail/smtp".into(), Some(json!({"host": "smtp.shop.example", "port": 587, "security": "starttls", "username": "kefu", "password": "smtp-password"})), admins_only(200)),
            row("test_smtp", M::POST, "/api/v1/mail/smtp/test".into(), Some(json!({"to": "it@shop.example"})), admins_only(202)),
            row("clear_smtp", M::DELETE, "/api/v1/mail/smtp".into(), None, admins_only(200)),
            row("list_mail_templates", M::GET, "/api/v1/mail/templates".into(), None, admins_only(200)),
            row("get_mail_template", M::GET, "/api/v1/mail/templates/acknowledgement/zh-CN".into(), None, admins_only(200)),
            row("save_mail_template", M::PUT, "/api/v1/mail/templates/acknowledgement/en".into(), Some(json!({"subject": "Got it: {{ ticket.subject }}", "text": "Hello {{ customer.name }}", "html": "<p>Hello {{ customer.name }}</p>"})), admins_only(200)),
            row("preview_mail_template", M::POST, "/api/v1/mail/templates/reply/en/preview".into(), Some(json!({"subject": "{{ ticket.subject }}", "text": "{{ message.body }}", "html": "{{ message.body | paragraphs }}"})), admins_only(200)),
            row("preview_mail_template_html", M::GET, "/api/v1/mail/templates/assigned/zh-CN/preview.html".into(), None, admins_only(200)),
            row("reset_mail_template", M::DELETE, "/api/v1/mail/templates/acknowledgement/en".into(), None, admins_only(200)),
            row("get_settings", M::GET, "/api/v1/settings".into(), None, forbidden_to_outsiders(200)),
            row("update_settings", M::PATCH, "/api/v1/settings".into(), Some(json!({"phone_region": "CN"})), admins_only(200)),
            row("search_customers", M::GET, "/api/v1/customers?q=a".into(), None, forbidden_to_outsiders(200)),
            row("get_customer", M::GET, format!("/api/v1/customers/{customer}"), None, requester_and_staff(200)),
            row("update_customer", M::PATCH, format!("/api/v1/customers/{customer}"), Some(json!({"organisation": "Acme"})), forbidden_to_outsiders(200)),
            row("list_vendors", M::GET, format!("/api/v1/vendors?ticket={tid}"), None, forbidden_to_outsiders(200)),
            row("get_vendor", M::GET, format!("/api/v1/vendors/{vendor_a}"), None, forbidden_to_outsiders(200)),
            Row { operation: "create_vendor", method: M::POST, path: "/api/v1/vendors".into(),
                body: Box::new(|who| Some(json!({"name": format!("Vendor of {who}"), "kind": "isv"}))),
                expect: admins_only(201) },
            row("update_vendor", M::PATCH, format!("/api/v1/vendors/{vendor_b}"), Some(json!({"targets": {"acknowledge_minutes": 60, "answer_minutes": 480}})), admins_only(200)),
            row("vendor_scorecard", M::GET, "/api/v1/vendor-scorecard".into(), None, forbidden_to_outsiders(200)),
            row("vendor_scorecard_csv", M::GET, "/api/v1/vendor-scorecard.csv".into(), None, forbidden_to_outsiders(200)),
            row("list_ticket_visits", M::GET, format!("/api/v1/tickets/{install}/visits"), None, forbidden_to_outsiders(200)),
            row("schedule_visit", M::POST, format!("/api/v1/tickets/{install}/visits"), Some(visit_body.clone()), forbidden_to_outsiders(201)),
            // Vendors see their own service partner's visits only; customers have none.
            row("visit_calendar", M::GET, "/api/v1/visits".into(), None, [401, 404, 404, 200, 200, 200, 401]),
            row("get_visit", M::GET, format!("/api/v1/visits/{visit}"), None, [401, 404, 404, 404, 200, 200, 401]),
            row("change_visit", M::PATCH, format!("/api/v1/visits/{visit}"), Some(window.clone()), [401, 404, 404, 404, 200, 200, 401]),
            row("list_vendor_users", M::GET, format!("/api/v1/vendors/{vendor_a}/users"), None, admins_only(200)),
            row("get_vendor_webhook", M::GET, format!("/api/v1/vendors/{vendor_b}/webhook"), None, admins_only(200)),
            row("set_vendor_webhook", M::PUT, format!("/api/v1/vendors/{vendor_b}/webhook"), Some(json!({"url": "https://desk.shipfast.example/hooks/kefu"})), admins_only(200)),
            row("ping_vendor_webhook", M::POST, format!("/api/v1/vendors/{vendor_b}/webhook/ping"), None, admins_only(202)),
            row("remove_vendor_webhook", M::DELETE, format!("/api/v1/vendors/{vendor_b}/webhook"), None, admins_only(204)),
            row("get_vendor_api_key", M::GET, format!("/api/v1/vendors/{vendor_b}/api-key"), None, admins_only(200)),
            row("create_vendor_api_key", M::POST, format!("/api/v1/vendors/{vendor_b}/api-key"), None, admins_only(201)),
            row("revoke_vendor_api_key", M::DELETE, format!("/api/v1/vendors/{vendor_b}/api-key"), None, admins_only(200)),
            row("preview_escalation", M::POST, format!("/api/v1/tickets/{tid}/escalations/preview"), Some(escalate(&vendor_b)), forbidden_to_outsiders(200)),
            row("escalate_ticket", M::POST, format!("/api/v1/tickets/{tid}/escalations"), Some(escalate(&vendor_b)), forbidden_to_outsiders(201)),
            row("list_ticket_escalations", M::GET, format!("/api/v1/tickets/{tid}/escalations"), None, forbidden_to_outsiders(200)),
            // Vendor users see their organisation's queue; customers have no escalations.
            row("list_escalations", M::GET, "/api/v1/escalations".into(), None, [401, 404, 404, 200, 200, 200, 401]),
            row("get_escalation", M::GET, format!("/api/v1/escalations/{esc_a}"), None, [401, 404, 404, 200, 200, 200, 401]),
            row("post_escalation_message", M::POST, format!("/api/v1/escalations/{esc_a}/messages"), Some(json!({"body": "Which firmware exactly?"})), [401, 404, 404, 201, 201, 201, 401]),
            // Each side makes its own moves: the vendor works on it, and agents cannot answer for it.
            Row { operation: "move_escalation", method: M::POST, path: format!("/api/v1/escalations/{esc_a}/status"),
                body: Box::new(|who| Some(json!({"status": if who == "vendor" { "in_progress" } else { "returned" }}))),
                expect: [401, 404, 404, 200, 403, 403, 401] },
            row("copy_escalation_reply", M::POST, format!("/api/v1/escalations/{esc_copy}/messages/{answer}/copy"), Some(json!({})), forbidden_to_outsiders(201)),
            row("attach_escalation_file", M::POST, format!("/api/v1/escalations/{esc_a}/files?name=log.txt"), Some(json!("printer log")), [401, 404, 404, 201, 201, 201, 401]),
            row("download_escalation_file", M::GET, format!("/api/v1/escalations/{esc_a}/files/0193b8c0-0000-7000-8000-000000000000"), None, [401, 404, 404, 404, 404, 404, 401]),
            row("list_calendars", M::GET, "/api/v1/calendars".into(), None, forbidden_to_outsiders(200)),
            row("create_calendar", M::POST, "/api/v1/calendars".into(), Some(calendar_body.clone()), admins_only(201)),
            row("get_calendar", M::GET, format!("/api/v1/calendars/{calendar}"), None, forbidden_to_outsiders(200)),
            row("update_calendar", M::PUT, format!("/api/v1/calendars/{calendar}"), Some(calendar_body.clone()), admins_only(200)),
            row("calendar_due", M::GET, format!("/api/v1/calendars/{calendar}/due?from=2026-12-04T08:00:00Z&minutes=480"), None, forbidden_to_outsiders(200)),
            row("import_calendar", M::POST, format!("/api/v1/calendars/{calendar}/import"), Some(json!({"ics": ics})), admins_only(200)),
            row("delete_calendar", M::DELETE, format!("/api/v1/calendars/{doomed_calendar}"), None, admins_only(204)),
            row("list_sla_policies", M::GET, "/api/v1/sla-policies".into(), None, forbidden_to_outsiders(200)),
            row("create_sla_policy", M::POST, "/api/v1/sla-policies".into(), Some(policy_body.clone()), admins_only(201)),
            row("get_sla_policy", M::GET, format!("/api/v1/sla-policies/{policy}"), None, forbidden_to_outsiders(200)),
            row("update_sla_policy", M::PUT, format!("/api/v1/sla-policies/{policy}"), Some(policy_body.clone()), admins_only(200)),
            row("delete_sla_policy", M::DELETE, format!("/api/v1/sla-policies/{doomed_policy}"), None, admins_only(204)),
            row("apply_sla_policies", M::POST, "/api/v1/sla-policies/apply".into(), None, admins_only(200)),
            row("get_ticket_sla", M::GET, format!("/api/v1/tickets/{tid}/sla"), None, forbidden_to_outsiders(200)),
            row("list_routing_rules", M::GET, "/api/v1/routing-rules".into(), None, forbidden_to_outsiders(200)),
            row("create_routing_rule", M::POST, "/api/v1/routing-rules".into(), Some(rule_body.clone()), admins_only(201)),
            row("get_routing_rule", M::GET, format!("/api/v1/routing-rules/{rule}"), None, forbidden_to_outsiders(200)),
            row("update_routing_rule", M::PUT, format!("/api/v1/routing-rules/{rule}"), Some(rule_body.clone()), admins_only(200)),
            row("delete_routing_rule", M::DELETE, format!("/api/v1/routing-rules/{doomed_rule}"), None, admins_only(204)),
            row("test_routing_rules", M::POST, "/api/v1/routing-rules/test".into(), Some(json!({"stage": "after_sale", "channel": "email", "subject": "申请退款"})), forbidden_to_outsiders(200)),
            row("list_team_assignment", M::GET, "/api/v1/team-assignment".into(), None, forbidden_to_outsiders(200)),
            row("set_team_assignment", M::PUT, format!("/api/v1/teams/{team}/assignment"), Some(json!({"mode": "off", "capacities": {"email": 5, "phone": 5, "web": 5, "api": 5}})), admins_only(200)),
            row("list_triggers", M::GET, "/api/v1/triggers".into(), None, forbidden_to_outsiders(200)),
            row("create_trigger", M::POST, "/api/v1/triggers".into(), Some(trigger_body.clone()), admins_only(201)),
            row("get_trigger", M::GET, format!("/api/v1/triggers/{trigger}"), None, forbidden_to_outsiders(200)),
            row("update_trigger", M::PUT, format!("/api/v1/triggers/{trigger}"), Some(trigger_body.clone()), admins_only(200)),
            row("delete_trigger", M::DELETE, format!("/api/v1/triggers/{doomed_trigger}"), None, admins_only(204)),
            row("list_integrations", M::GET, "/api/v1/integrations".into(), None, admins_only(200)),
            row("create_integration", M::POST, "/api/v1/integrations".into(), Some(integration_body.clone()), admins_only(201)),
            row("get_integration", M::GET, format!("/api/v1/integrations/{integration}"), None, admins_only(200)),
            row("update_integration", M::PUT, format!("/api/v1/integrations/{integration}"), Some(integration_body.clone()), admins_only(200)),
            row("delete_integration", M::DELETE, format!("/api/v1/integrations/{doomed_integration}"), None, admins_only(204)),
            row("ping_integration", M::POST, format!("/api/v1/integrations/{integration}/ping"), None, admins_only(200)),
            row("list_integration_deliveries", M::GET, format!("/api/v1/integrations/{integration}/deliveries"), None, admins_only(200)),
            // A call still waiting cannot be sent again.
            row("redeliver_integration_call", M::POST, format!("/api/v1/integrations/{integration}/deliveries/{waiting_call}/redeliver"), None, admins_only(409)),
            // Signed by the provider, not by a session: everyone without a signature is refused.
            row("receive_call_event", M::POST, "/api/v1/telephony/events".into(), Some(json!({"id": "e1"})), [401; 7]),
            row("get_telephony", M::GET, "/api/v1/telephony".into(), None, admins_only(200)),
            row("update_telephony", M::PUT, "/api/v1/telephony".into(), Some(json!({"enabled": true, "stage": "after_sale"})), admins_only(200)),
            row("get_survey", M::GET, format!("/api/v1/surveys/{}", "x".repeat(43)), None, [404; 7]),
            row("answer_survey", M::POST, format!("/api/v1/surveys/{}", "x".repeat(43)), Some(json!({"score": 5})), [404; 7]),
            // Only the ticket's customer rates it, once it is solved.
            row("rate_ticket", M::POST, format!("/api/v1/tickets/{tid}/rating"), Some(json!({"score": 5})), [401, 409, 404, 403, 403, 403, 401]),
            row("list_ratings", M::GET, format!("/api/v1/tickets/{tid}/ratings"), None, requester_and_staff(200)),
            row("get_survey_settings", M::GET, "/api/v1/survey-settings".into(), None, forbidden_to_outsiders(200)),
            row("set_survey_settings", M::PUT, "/api/v1/survey-settings".into(), Some(json!({"enabled": true, "ask_expectation": true, "low_at": 2, "reopen_low": true, "link_days": 14})), admins_only(200)),
            row("get_report", M::GET, "/api/v1/reports?by=agent".into(), None, forbidden_to_outsiders(200)),
            row("get_report_csv", M::GET, "/api/v1/reports.csv?by=stage".into(), None, forbidden_to_outsiders(200)),
            row("list_macros", M::GET, "/api/v1/macros?q=hi".into(), None, forbidden_to_outsiders(200)),
            row("create_macro", M::POST, "/api/v1/macros".into(), Some(json!({"title": "Mine", "text_en": "Thanks!"})), forbidden_to_outsiders(201)),
            row("get_macro", M::GET, format!("/api/v1/macros/{shared_macro}"), None, forbidden_to_outsiders(200)),
            // Shared macros are the admins' to change.
            row("update_macro", M::PUT, format!("/api/v1/macros/{shared_macro}"), Some(macro_body.clone()), admins_only(200)),
            row("delete_macro", M::DELETE, format!("/api/v1/macros/{doomed_macro}"), None, admins_only(204)),
            row("apply_macro", M::POST, format!("/api/v1/tickets/{tid}/macros/{shared_macro}"), None, forbidden_to_outsiders(200)),
            row("list_tickets", M::GET, "/api/v1/tickets".into(), None, [401, 200, 200, 403, 200, 200, 401]),
            Row { operation: "create_ticket", method: M::POST, path: "/api/v1/tickets".into(),
                body: Box::new(|who| Some(if who.starts_with("customer") {
                    json!({"subject": "A question", "channel": "web", "message": {"body": "Hello"}})
                } else {
                    json!({"subject": "A question", "channel": "web", "requester": {"email": "c@example.com"}})
                })),
                expect: [401, 201, 201, 403, 201, 201, 401] },
            row("ticket_views", M::GET, "/api/v1/tickets/views".into(), None, forbidden_to_outsiders(200)),
            row("bulk_update_tickets", M::POST, "/api/v1/tickets/bulk".into(), Some(json!({"ids": [tid], "changes": {"add_tags": ["matrix"]}})), forbidden_to_outsiders(200)),
            row("get_ticket", M::GET, format!("/api/v1/tickets/{tid}"), None, requester_and_staff(200)),
            row("update_ticket", M::PATCH, format!("/api/v1/tickets/{tid}"), Some(json!({"priority": "high"})), [401, 403, 404, 404, 200, 200, 401]),
            row("list_messages", M::GET, format!("/api/v1/tickets/{tid}/messages"), None, requester_and_staff(200)),
            row("post_message", M::POST, format!("/api/v1/tickets/{tid}/messages"), Some(json!({"body": "Any news?"})), requester_and_staff(201)),
            // The matrix's ticket was typed in by an agent: it has no mail to show.
            row("get_mail_recipients", M::GET, format!("/api/v1/tickets/{tid}/mail-recipients"), None, [401, 403, 403, 403, 200, 200, 401]),
            row("move_message", M::POST, format!("/api/v1/tickets/{tid}/messages/0193b8c0-0000-7000-8000-000000000000/move"), Some(json!({})), [401, 403, 403, 403, 404, 404, 401]),
            row("get_message_html", M::GET, format!("/api/v1/tickets/{tid}/messages/0193b8c0-0000-7000-8000-000000000000/html"), None, [401, 404, 404, 404, 404, 404, 401]),
            row("log_call", M::POST, format!("/api/v1/tickets/{tid}/calls"), Some(call), forbidden_to_outsiders(201)),
            row("mark_ticket_seen", M::POST, format!("/api/v1/tickets/{tid}/seen"), None, forbidden_to_outsiders(204)),
            // These end or change what the callers signed in with, so they come last.
            row("change_password", M::POST, "/api/v1/me/password".into(), Some(json!({"current_password": "correct-horse-9", "new_password": "another-horse-9"})), signed_in(204)),
            row("logout", M::POST, "/api/v1/auth/logout".into(), None, signed_in(204)),
        ];

        let documented = operations(&desk.admin).await;
        let covered: BTreeSet<String> = rows.iter().map(|r| r.operation.to_owned()).collect();
        let missing: Vec<_> = documented.difference(&covered).collect();
        assert!(missing.is_empty(), "operations without a row in the permission matrix: {missing:?}");
        let unknown: Vec<_> = covered.difference(&documented).collect();
        assert!(unknown.is_empty(), "rows for operations the document does not have: {unknown:?}");

        let mut failures = Vec::new();
        for row in rows.drain(..) {
            for (i, client) in callers.iter().enumerate() {
                let mut request = client.request(row.method.clone(), &row.path);
                if let Some(body) = (row.body)(WHO[i]) {
                    request = request.json(&body);
                }
                let (status, body) = client.send(request).await;
                if status.as_u16() != row.expect[i] {
                    failures.push(format!("{} as {}: expected {}, got {status}: {body}", row.operation, WHO[i], row.expect[i]));
                }
                // Refusals are problems with a stable code.
                if status.is_client_error() {
                    assert!(body["code"].is_string(), "{} as {}: {body}", row.operation, WHO[i]);
                }
            }
        }
        assert!(failures.is_empty(), "permission matrix:\n{}", failures.join("\n"));

        // Fields, not only statuses: the requester's view leaves internal fields out.
        let (_, mine) = customer_a.get(&format!("/api/v1/tickets/{tid}")).await;
        assert_eq!(mine.get("tags"), None, "{mine}");
        let (_, staff) = desk.app.login("admin@example.com", "another-horse-9").await.get(&format!("/api/v1/tickets/{tid}")).await;
        assert_eq!(staff["tags"], json!(["matrix"]));
    }
}
