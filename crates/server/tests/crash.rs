//! The crash test: `kill -9` the server during a burst of chat lines from many visitors; after
//! a restart, every visitor resumes and sends again what was not acknowledged. Every
//! acknowledged line is then stored exactly once with the number it was acknowledged with, and
//! each conversation's numbers run without a gap.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kefu_api_types::chat::{ClientFrame, PROTOCOL, Resume, ServerFrame};
use kefu_domain::chat::Sequence;
use kefu_domain::ids::TicketId;
use kefu_domain::ticket::Stage;
use kefu_store::chat::lines;
use kefu_store::{Store, StoreConfig};
use kefu_testkit::test_both;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The demo widget's website and the console's origin in the default configuration.
const SITE: &str = "http://localhost:8080";
const VISITORS: usize = 12;

fn kefu(url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kefu"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("KEFU_DATABASE_URL", url)
        .env("KEFU_LOG_FILTER", "warn,kefu=info")
        .env("NO_COLOR", "1");
    command
}

fn run(mut command: Command, input: &str) -> String {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `kefu serve` on free ports; its process, API base and gateway address.
fn serve(url: &str, index: &std::path::Path) -> (Child, String, String) {
    let mut child = kefu(url)
        .arg("serve")
        .env("KEFU_API_BIND", "127.0.0.1:0")
        .env("KEFU_GATEWAY_BIND", "127.0.0.1:0")
        .env("KEFU_GATEWAY_FRAMES_PER_10S", "1000000")
        .env("KEFU_DATABASE_SEARCH_INDEX_DIR", index)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (mut base, mut socket) = (None, None);
    while base.is_none() || socket.is_none() {
        let line = lines
            .next()
            .expect("kefu serve printed its addresses")
            .unwrap();
        let after = |marker: &str| {
            line.find(marker).map(|at| {
                line[at + "listening on ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_owned()
            })
        };
        base = base.or(after("listening on http://"));
        socket = socket.or(after("listening on ws://"));
    }
    std::thread::spawn(move || for _ in lines {});
    (child, base.unwrap(), socket.unwrap())
}

async fn post(client: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut request = client.post(url).header("origin", SITE).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{response:?}");
    response.json().await.unwrap()
}

async fn get(client: &reqwest::Client, url: String, token: &str) -> Value {
    client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(socket_url: &str, token: &str, resume: Vec<Resume>) -> Socket {
    let mut request = socket_url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", SITE.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let hello = ClientFrame::Hello {
        protocol: PROTOCOL,
        token: token.into(),
        resume,
    };
    ws.send(Message::text(serde_json::to_string(&hello).unwrap()))
        .await
        .unwrap();
    ws
}

async fn next_frame(ws: &mut Socket) -> Option<ServerFrame> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .ok()??
        {
            Ok(Message::Text(text)) => return serde_json::from_str(text.as_str()).ok(),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// One visitor's view: their chat, the lines acknowledged (client id → seq) and the line
/// sent but not yet acknowledged.
#[derive(Default)]
struct Visitor {
    key: String,
    ticket: Option<TicketId>,
    acked: HashMap<String, u64>,
    unacked: Option<String>,
    last_seen: u64,
}

/// Sends lines one after another until the socket dies; records every acknowledgement.
async fn burst(mut ws: Socket, me: Arc<Mutex<Visitor>>, n: usize) {
    for i in 0.. {
        let client_id = format!("v{n}-{i}");
        me.lock().unwrap().unacked = Some(client_id.clone());
        let frame = ClientFrame::Send {
            ticket: None,
            client_id: client_id.clone(),
            text: format!("line {i} from visitor {n}"),
        };
        if ws
            .send(Message::text(serde_json::to_string(&frame).unwrap()))
            .await
            .is_err()
        {
            return;
        }
        loop {
            match next_frame(&mut ws).await {
                Some(ServerFrame::Ack {
                    client_id: id, seq, ..
                }) if id == client_id => {
                    let mut v = me.lock().unwrap();
                    v.acked.insert(id, seq);
                    v.unacked = None;
                    break;
                }
                Some(ServerFrame::Message { seq, .. }) => {
                    let mut v = me.lock().unwrap();
                    v.last_seen = v.last_seen.max(seq);
                }
                Some(_) => {}
                None => return,
            }
        }
    }
}

test_both! {
    async fn a_killed_server_loses_no_acknowledged_line_and_leaves_no_gap(db: TestDb) {
        let url = db.url.clone();
        let dir = tempfile::tempdir().unwrap();
        run({ let mut c = kefu(&url); c.args(["users", "create", "--email", "admin@example.com", "--name", "Admin", "--role", "admin", "--password-stdin"]); c }, "admin-password-1\n");
        let seeded = run({ let mut c = kefu(&url); c.args(["demo", "seed", "--tickets", "1"]); c }, "");
        let password = seeded.split("with password ").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
        let (mut server, base, socket_url) = serve(&url, &dir.path().join("index-1"));
        let http = reqwest::Client::new();

        let admin = post(&http, format!("{base}/api/v1/auth/login"), None, json!({"email": "admin@example.com", "password": "admin-password-1", "token": true})).await;
        let admin = admin["token"].as_str().unwrap().to_owned();
        let widget = get(&http, format!("{base}/api/v1/widgets"), &admin).await["items"][0]["id"].as_str().unwrap().to_owned();
        let teams = get(&http, format!("{base}/api/v1/teams"), &admin).await;
        let team = teams["items"].as_array().unwrap().iter().find(|t| t["name"] == "After-sales support").unwrap().clone();
        let member = team["members"][0]["id"].as_str().unwrap();
        let email = get(&http, format!("{base}/api/v1/users/{member}"), &admin).await["email"].as_str().unwrap().to_owned();
        let login = post(&http, format!("{base}/api/v1/auth/login"), None, json!({"email": email, "password": password, "token": true})).await;
        let agent_token = login["token"].as_str().unwrap().to_owned();
        let ticket = post(&http, format!("{base}/api/v1/chat/socket-tickets"), Some(&agent_token), json!(null)).await;
        let mut agent = connect(&socket_url, ticket["token"].as_str().unwrap(), Vec::new()).await;
        while !matches!(next_frame(&mut agent).await, Some(ServerFrame::QueueSnapshot { .. })) {}

        let visitors: Vec<Arc<Mutex<Visitor>>> = (0..VISITORS)
            .map(|n| Arc::new(Mutex::new(Visitor { key: format!("{:0>43}", n), ..Visitor::default() })))
            .collect();
        let mut tasks = Vec::new();
        for (n, me) in visitors.iter().enumerate() {
            let key = me.lock().unwrap().key.clone();
            let session = post(&http, format!("{base}/api/v1/widgets/{widget}/visitor-sessions"), None, json!({"key": key})).await;
            let mut ws = connect(&socket_url, session["token"].as_str().unwrap(), Vec::new()).await;
            let start = ClientFrame::Start { stage: Stage::AfterSale, name: format!("Visitor {n}"), email: None, text: None, page_url: None, language: None };
            ws.send(Message::text(serde_json::to_string(&start).unwrap())).await.unwrap();
            loop {
                if let Some(ServerFrame::Started { ticket, .. }) = next_frame(&mut ws).await {
                    me.lock().unwrap().ticket = Some(ticket);
                    break;
                }
            }
            tasks.push(tokio::spawn(burst(ws, me.clone(), n)));
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
        server.kill().unwrap(); // SIGKILL: no shutdown, no flush
        server.wait().unwrap();
        for task in tasks {
            task.await.unwrap();
        }
        let acked_before: usize = visitors.iter().map(|v| v.lock().unwrap().acked.len()).sum();
        assert!(acked_before >= VISITORS * 5, "a real burst was cut: {acked_before} lines acknowledged");
        eprintln!("{acked_before} lines from {VISITORS} visitors were acknowledged before the kill");

        // Restart, resume, and send again what was not acknowledged.
        let (mut server, base, socket_url) = serve(&url, &dir.path().join("index-2"));
        for me in &visitors {
            let (key, ticket, last_seen, unacked) = {
                let v = me.lock().unwrap();
                (v.key.clone(), v.ticket.unwrap(), v.last_seen, v.unacked.clone())
            };
            let session = post(&http, format!("{base}/api/v1/widgets/{widget}/visitor-sessions"), None, json!({"key": key})).await;
            let mut ws = connect(&socket_url, session["token"].as_str().unwrap(), vec![Resume { ticket, after: last_seen }]).await;
            if let Some(client_id) = unacked {
                let frame = ClientFrame::Send { ticket: Some(ticket), client_id: client_id.clone(), text: "again".into() };
                ws.send(Message::text(serde_json::to_string(&frame).unwrap())).await.unwrap();
                loop {
                    match next_frame(&mut ws).await.expect("the resent line is acknowledged") {
                        ServerFrame::Ack { client_id: id, seq, .. } if id == client_id => {
                            me.lock().unwrap().acked.insert(id, seq);
                            break;
                        }
                        _ => {}
                    }
                }
            }
        }
        let _ = Command::new("kill").arg("-TERM").arg(server.id().to_string()).status();
        server.wait().unwrap();

        let store = Store::open(&StoreConfig { url: url.clone(), ..StoreConfig::default() }).await.unwrap();
        for me in &visitors {
            let (ticket, acked) = {
                let v = me.lock().unwrap();
                (v.ticket.unwrap(), v.acked.clone())
            };
            let stored = store.read(move |c| lines::after(c, ticket, Sequence::new(0), 100_000)).await.unwrap();
            let seqs: Vec<u64> = stored.iter().map(|(s, _)| s.get()).collect();
            assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "numbers without a gap");
            assert_eq!(stored.len(), acked.len(), "every stored line was acknowledged, and each once");
            let ids: Vec<String> = acked.keys().cloned().collect();
            let found = store
                .read(move |c| {
                    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                    lines::by_client_ids(c, ticket, &refs)
                })
                .await
                .unwrap();
            for (id, seq) in &acked {
                assert_eq!(found.get(id).map(|(s, _)| s.get()), Some(*seq), "{id} is stored as acknowledged");
            }
        }
        drop(dir);
    }
}
