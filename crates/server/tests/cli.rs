//! The `kefu` binary as an operator uses it: create an admin, seed demo data, serve, sign in.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use kefu_testkit::test_both;

fn kefu(url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kefu"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("KEFU_DATABASE_URL", url)
        .env("KEFU_LOG_FILTER", "warn,kefu=info");
    command
}

fn run_with_input(mut command: Command, input: &str) -> (bool, String) {
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
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Starts `kefu serve` on a free port, with its search index in `index`, and returns the
/// process and its base URL.
fn serve(url: &str, index: &std::path::Path) -> (Child, String) {
    let mut child = kefu(url)
        .arg("serve")
        .env("KEFU_API_BIND", "127.0.0.1:0")
        .env("KEFU_GATEWAY_BIND", "127.0.0.1:0")
        .env("KEFU_DATABASE_SEARCH_INDEX_DIR", index)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("kefu serve printed its address")
            .unwrap();
        if let Some(at) = line.find("listening on http://") {
            let address = line[at + "listening on ".len()..]
                .split_whitespace()
                .next()
                .unwrap();
            break address.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

test_both! {
    async fn an_operator_creates_an_admin_seeds_and_signs_in(db: TestDb) {
        let url = db.url.clone();
        let (ok, output) = run_with_input(
            {
                let mut c = kefu(&url);
                c.args(["users", "create", "--email", "boss@example.com", "--name", "Boss", "--role", "admin", "--password-stdin"]);
                c
            },
            "a-long-password\n",
        );
        assert!(ok, "{output}");
        assert!(output.contains("created admin boss@example.com"), "{output}");
        let (ok, output) = run_with_input(
            {
                let mut c = kefu(&url);
                c.args(["users", "create", "--email", "boss@example.com", "--name", "Boss", "--role", "admin", "--password-stdin"]);
                c
            },
            "a-long-password\n",
        );
        assert!(!ok && output.contains("already exists"), "a second account with the address is refused: {output}");
        let (ok, output) = run_with_input(
            {
                let mut c = kefu(&url);
                c.args(["users", "create", "--email", "x@example.com", "--name", "X", "--role", "agent", "--password-stdin"]);
                c
            },
            "short\n",
        );
        assert!(!ok && output.contains("at least 8"), "{output}");
        let (ok, output) = run_with_input(
            {
                let mut c = kefu(&url);
                c.args(["demo", "seed", "--tickets", "300", "--batch", "80"]);
                c
            },
            "",
        );
        assert!(ok, "{output}");
        assert!(output.contains("seeded 300 tickets"), "{output}");

        let index = tempfile::tempdir().unwrap();
        let (mut server, base) = serve(&url, index.path());
        let http = reqwest::Client::new();
        let login: serde_json::Value = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"email": "boss@example.com", "password": "a-long-password", "token": true}))
            .send().await.unwrap().json().await.unwrap();
        let token = login["token"].as_str().expect("signed in").to_owned();
        let page: serde_json::Value = http
            .get(format!("{base}/api/v1/tickets?status=unsolved&limit=50"))
            .bearer_auth(&token)
            .send().await.unwrap().json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 50, "the seeded queue has more than a page of unsolved tickets");
        assert!(page["next_cursor"].is_string());
        let teams: serde_json::Value = http
            .get(format!("{base}/api/v1/teams"))
            .bearer_auth(&token)
            .send().await.unwrap().json().await.unwrap();
        let names: Vec<&str> = teams["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["After-sales support", "Orders", "Pre-sales"]);
        server.kill().unwrap();
        server.wait().unwrap();
    }
}
