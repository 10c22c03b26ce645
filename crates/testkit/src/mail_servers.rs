//! Real mail servers for the tests, on free loopback ports: an SMTP server that keeps what it
//! receives (Python's aiosmtpd, from Debian's `python3-aiosmtpd`). They stop when dropped.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Python that has Debian's packages (not a version manager's shim).
const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// A free port on 127.0.0.1 (free when asked; the server binds it right after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// An SMTP server on 127.0.0.1 that writes every mail it accepts to a directory. Recipients
/// starting with `reject-` are refused for good, `later-` for now.
pub struct SmtpSink {
    /// Its port.
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    /// Starts one; fails the test when aiosmtpd is missing (`scripts/test-deps` installs it).
    pub fn start() -> SmtpSink {
        let dir = tempfile::tempdir().expect("a directory for received mail");
        let script = dir.path().join("smtp_sink.py");
        std::fs::write(&script, include_str!("smtp_sink.py")).expect("write the SMTP sink");
        let inbox = dir.path().join("inbox");
        std::fs::create_dir(&inbox).expect("the inbox directory");
        let port = free_port();
        let mut child = Command::new(SYSTEM_PYTHON)
            .arg(&script)
            .arg(port.to_string())
            .arg(&inbox)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink (/usr/bin/python3 with python3-aiosmtpd)");
        let stdout = child.stdout.take().expect("the sink's output");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the SMTP sink's first line");
        assert_eq!(
            line.trim(),
            "ready",
            "the SMTP sink did not start (is python3-aiosmtpd installed?)"
        );
        SmtpSink { port, dir, child }
    }

    fn inbox(&self) -> PathBuf {
        self.dir.path().join("inbox")
    }

    /// Every mail received so far, as raw bytes, in no particular order.
    pub fn received(&self) -> Vec<Vec<u8>> {
        std::fs::read_dir(self.inbox())
            .expect("read the inbox")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .map(|p| std::fs::read(p).expect("read a received mail"))
            .collect()
    }

    /// Waits (up to `timeout`) until at least `count` mails have arrived, and returns them.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count || started.elapsed() > timeout {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
