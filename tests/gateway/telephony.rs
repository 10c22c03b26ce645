//! Telephony events over real HTTP with real signatures, and the screen pop on the agent's
//! real socket: a ringing call pops the caller's new ticket at the agent whose extension
//! rings, its end is logged, a missed call owes a call back with its own service-level target
//! and a call back settles it; stale, wrong and replayed signatures are refused, and a
//! repeated event changes nothing.

use kefu_api_types::chat::ServerFrame;
use kefu_api_types::sla::{CalendarRequest, PolicyRequest};
use kefu_api_types::telephony::{TelephonyRequest, TelephonyResponse};
use kefu_app::App;
use kefu_app::audit::Origin;
use kefu_app::sla;
use kefu_app::telephony::settings;
use kefu_app::webhooks::sign;
use kefu_domain::ids::TicketId;
use kefu_domain::permissions::Actor;
use kefu_domain::ticket::Ticket;
use kefu_testkit::test_both;
use serde_json::{Value, json};

use crate::support::Harness;

/// A round-the-clock calendar and a phone policy whose call back is due in 30 minutes.
async fn call_back_policy(app: &App, admin: Actor) {
    let day = json!([{"start": "00:00", "end": "24:00"}]);
    let request: CalendarRequest = serde_json::from_value(json!({
        "name": "Always", "time_zone": "UTC", "week": [day, day, day, day, day, day, day],
    }))
    .unwrap();
    let calendar = sla::calendars::create(app, admin, Origin::cli(), request)
        .await
        .unwrap();
    let request: PolicyRequest = serde_json::from_value(json!({
        "name": "Phone", "calendar_id": calendar.id, "scope": {"channels": ["phone"]},
        "targets": {"resolution": 1440, "call_back": 30},
    }))
    .unwrap();
    sla::policies::create(app, admin, Origin::cli(), request)
        .await
        .unwrap();
}

/// Signs `body` as the provider would, at `t`.
fn signed(secret: &str, t: i64, body: &Value) -> (String, String) {
    let text = body.to_string();
    (sign::signature(secret, t, text.as_bytes()), text)
}

async fn post(base: &str, signature: Option<&str>, body: String) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/api/v1/telephony/events"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(signature) = signature {
        request = request.header("Kefu-Signature", signature);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// Sends `event` signed now; the answer.
async fn send(base: &str, secret: &str, event: &Value) -> (u16, Value) {
    let (signature, text) = signed(secret, chrono::Utc::now().timestamp(), event);
    post(base, Some(&signature), text).await
}

fn event(id: &str, kind: &str, call: &str, direction: &str, extra: Value) -> Value {
    let (from, to) = match direction {
        "inbound" => ("+8613800138000", "+862160001000"),
        _ => ("+862160001000", "+8613800138000"),
    };
    let mut e = json!({"id": id, "type": kind, "call_id": call, "direction": direction, "from": from, "to": to});
    if let (Some(map), Some(more)) = (e.as_object_mut(), extra.as_object()) {
        map.extend(more.clone());
    }
    e
}

async fn ticket(app: &App, id: TicketId) -> Ticket {
    app.store
        .read(move |conn| kefu_store::tickets::find(conn, id))
        .await
        .unwrap()
}

/// A gateway whose telephony webhook is on, with Li at extension 801 and a phone policy.
async fn switched_on(db: kefu_testkit::TestDb) -> (Harness, Actor, TelephonyResponse) {
    let h = Harness::start(db).await;
    let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
    call_back_policy(&h.app, h.admin).await;
    let request: TelephonyRequest = serde_json::from_value(json!({
        "enabled": true, "stage": "after_sale", "team_id": h.team,
        "extensions": [{"user_id": li.user, "extension": "801"}],
    }))
    .unwrap();
    let setup = settings::update(&h.app, h.admin, Origin::cli(), request)
        .await
        .unwrap();
    (h, li, setup)
}

fn pop(frame: &ServerFrame) -> Option<&kefu_api_types::chat::CallPop> {
    match frame {
        ServerFrame::ScreenPop { call } => Some(call),
        _ => None,
    }
}

test_both! {
    async fn a_call_pops_up_at_the_agents_extension_and_is_logged_when_it_ends(db: TestDb) {
        let (h, li, setup) = switched_on(db).await;
        let secret = setup.secret.clone().expect("the secret is shown when it is made");
        assert!(setup.events_url.ends_with("/api/v1/telephony/events"));
        let base = h.api().await;
        let (mut socket, _) = h.agent_socket(li).await;

        // Ringing at 801: a new caller gets a phone ticket, popped at Li's console.
        let (status, rang) = send(&base, &secret, &event("e1", "call.ringing", "c1", "inbound", json!({"extension": "801"}))).await;
        assert_eq!(status, 200, "{rang}");
        assert_eq!(rang["state"], "ringing");
        let frame = socket.next_where(|f| pop(f).is_some()).await;
        let shown = pop(&frame).unwrap();
        assert_eq!((shown.state.as_str(), shown.new_ticket, shown.number.as_str()), ("ringing", true, "+8613800138000"));
        assert_eq!(shown.ticket_number, rang["ticket_number"].as_i64().unwrap());
        let id = shown.ticket_id;
        let opened = ticket(&h.app, id).await;
        assert_eq!(opened.channel, kefu_domain::ticket::Channel::Phone);
        assert_eq!(opened.team, Some(h.team));

        let (status, _) = send(&base, &secret, &event("e2", "call.answered", "c1", "inbound", json!({"extension": "801"}))).await;
        assert_eq!(status, 200);
        let frame = socket.next_where(|f| pop(f).is_some()).await;
        assert_eq!(pop(&frame).unwrap().state, "answered");
        let ended = event("e3", "call.ended", "c1", "inbound", json!({"duration_seconds": 95, "recording_url": "https://pbx.example/rec/c1.mp3"}));
        let signed_at = chrono::Utc::now().timestamp();
        let (signature, text) = signed(&secret, signed_at, &ended);
        let (status, answer) = post(&base, Some(&signature), text.clone()).await;
        assert_eq!((status, answer["state"].as_str()), (200, Some("ended")), "{answer}");
        let frame = socket.next_where(|f| pop(f).is_some()).await;
        assert_eq!(pop(&frame).unwrap().state, "ended");
        let calls = h.app.store.read(move |conn| kefu_store::calls::for_ticket(conn, id)).await.unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].details.duration_seconds, 95);
        assert_eq!(calls[0].details.outcome, kefu_domain::call::CallOutcome::Answered);
        assert_eq!(calls[0].logged_by, Some(li.user));
        assert!(calls[0].details.notes.as_deref().unwrap().contains("https://pbx.example/rec/c1.mp3"));
        let talked = ticket(&h.app, id).await;
        assert!(talked.first_responded_at.is_some(), "a conversation is an answer");
        assert_eq!(talked.assignee, Some(li.user), "whoever took the call owns the ticket");

        // The very same request again is a replay; the same event signed anew is a repeat.
        let (status, problem) = post(&base, Some(&signature), text).await;
        assert_eq!((status, problem["code"].as_str()), (401, Some("bad_signature")), "{problem}");
        // Signed a second earlier than the first, so the signature differs even when the
        // clock has moved on a second since then.
        let (resigned, text) = signed(&secret, signed_at - 1, &ended);
        let (status, again) = post(&base, Some(&resigned), text).await;
        assert_eq!((status, again["repeat"].as_bool()), (200, Some(true)), "{again}");
        // Stale, wrong and missing signatures are refused, and change nothing.
        let late = event("e9", "call.ringing", "c9", "inbound", json!({}));
        let (stale, text) = signed(&secret, chrono::Utc::now().timestamp() - 600, &late);
        assert_eq!(post(&base, Some(&stale), text.clone()).await.0, 401);
        let (wrong, _) = signed("whsec_wrong", chrono::Utc::now().timestamp(), &late);
        assert_eq!(post(&base, Some(&wrong), text.clone()).await.0, 401);
        assert_eq!(post(&base, None, text).await.0, 401);
        let calls = h.app.store.read(move |conn| kefu_store::calls::for_ticket(conn, id)).await.unwrap();
        assert_eq!(calls.len(), 1, "nothing more was logged");
        // A body that is no call event is a clear 422.
        let (status, problem) = send(&base, &secret, &json!({"id": "x", "type": "call.ringing"})).await;
        assert_eq!((status, problem["code"].as_str()), (422, Some("invalid_event")), "{problem}");
        let (status, problem) = send(&base, &secret, &event("e10", "call.ringing", "c10", "inbound", json!({"extension": "8 0 1"}))).await;
        assert_eq!(status, 422, "{problem}");
    }
}

test_both! {
    async fn a_missed_call_owes_a_call_back_until_an_agent_calls(db: TestDb) {
        let (h, li, setup) = switched_on(db).await;
        let secret = setup.secret.unwrap();
        let base = h.api().await;
        let (mut socket, _) = h.agent_socket(li).await;

        // A queue call: no extension, so the pop goes to the ticket's team.
        send(&base, &secret, &event("m1", "call.ringing", "q1", "inbound", json!({}))).await;
        let frame = socket.next_where(|f| pop(f).is_some()).await;
        let id = pop(&frame).unwrap().ticket_id;
        let before = chrono::Utc::now();
        let (status, missed) = send(&base, &secret, &event("m2", "call.missed", "q1", "inbound", json!({}))).await;
        assert_eq!((status, missed["state"].as_str()), (200, Some("missed")), "{missed}");
        let owed = ticket(&h.app, id).await;
        assert!(owed.tags.iter().any(|t| t.as_str() == "call-back"), "{:?}", owed.tags);
        let due = owed.sla_due_at.expect("the call back is due");
        let wait = (due - before).num_minutes();
        assert!((29..=30).contains(&wait), "due in 30 minutes, not {wait}");
        let clock = sla::ticket::show(&h.app, h.admin, kefu_app::tickets::TicketRef::Id(id)).await.unwrap();
        let target = clock.targets.iter().find(|t| t.target == kefu_domain::sla::Target::CallBack).unwrap();
        assert_eq!(target.state, "running");
        // A second call from the same customer lands on the same open ticket.
        send(&base, &secret, &event("m3", "call.ringing", "q2", "inbound", json!({"extension": "801"}))).await;
        let frame = socket.next_where(|f| pop(f).is_some_and(|p| p.state == "ringing")).await;
        assert_eq!((pop(&frame).unwrap().ticket_id, pop(&frame).unwrap().new_ticket), (id, false));
        send(&base, &secret, &event("m4", "call.missed", "q2", "inbound", json!({"extension": "801"}))).await;
        assert_eq!(ticket(&h.app, id).await.sla_due_at, Some(due), "a second miss does not move the due time");

        // Li calls back: the call back is met, the tag goes.
        send(&base, &secret, &event("b1", "call.answered", "out1", "outbound", json!({"extension": "801"}))).await;
        let (status, _) = send(&base, &secret, &event("b2", "call.ended", "out1", "outbound", json!({"extension": "801", "duration_seconds": 40}))).await;
        assert_eq!(status, 200);
        let settled = ticket(&h.app, id).await;
        assert!(!settled.tags.iter().any(|t| t.as_str() == "call-back"));
        let clock = sla::ticket::show(&h.app, h.admin, kefu_app::tickets::TicketRef::Id(id)).await.unwrap();
        let target = clock.targets.iter().find(|t| t.target == kefu_domain::sla::Target::CallBack).unwrap();
        assert_eq!(target.state, "met");
        let calls = h.app.store.read(move |conn| kefu_store::calls::for_ticket(conn, id)).await.unwrap();
        assert_eq!(calls.len(), 3, "two missed calls and the call back");
        // An agent who logs a voicemail by hand owes the customer a call back too.
        let voicemail: kefu_api_types::tickets::CallInput = serde_json::from_value(json!({
            "direction": "inbound", "from": "+8613800138000", "to": "+862160001000",
            "duration_seconds": 0, "outcome": "voicemail",
        })).unwrap();
        h.app.published(kefu_app::tickets::log_call::log(&h.app, li, kefu_app::tickets::TicketRef::Id(id), voicemail).await.unwrap());
        assert!(ticket(&h.app, id).await.tags.iter().any(|t| t.as_str() == "call-back"));
        // Turned off, the webhook is gone.
        let off: TelephonyRequest = serde_json::from_value(json!({"enabled": false, "stage": "after_sale"})).unwrap();
        settings::update(&h.app, h.admin, Origin::cli(), off).await.unwrap();
        let (status, _) = send(&base, &secret, &event("z1", "call.ringing", "z", "inbound", json!({}))).await;
        assert_eq!(status, 404);
    }
}
