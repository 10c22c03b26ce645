//! Real mail servers for the tests, on free loopback ports: an SMTP server that keeps what it
//! receives (Python's aiosmtpd, from Debian's `python3-aiosmtpd`) and an IMAP server with
//! mailboxes mail is delivered into (Dovecot, from Debian's `dovecot-imapd`). They stop when
//! dropped.

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

/// Postfix's `smtp-sink` on 127.0.0.1: an SMTP server in C that accepts and discards every
/// mail, fast enough that a benchmark measures the sender rather than the server.
pub struct PostfixSink {
    /// Its port.
    pub port: u16,
    child: Child,
}

impl PostfixSink {
    /// Starts one (`scripts/bench-deps` installs Postfix); fails when `smtp-sink` is missing.
    pub fn start() -> PostfixSink {
        let port = free_port();
        let mut command = Command::new("/usr/sbin/smtp-sink");
        // It refuses to run as root without a user to drop to.
        if std::env::var("USER").is_ok_and(|u| u == "root") || is_root() {
            command.arg("-u").arg("nobody");
        }
        let child = command
            .arg(format!("127.0.0.1:{port}"))
            .arg("512")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "start Postfix's smtp-sink (/usr/sbin/smtp-sink from postfix; scripts/bench-deps)",
            );
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "smtp-sink did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        PostfixSink { port, child }
    }
}

impl Drop for PostfixSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .is_some_and(|l| l.split_whitespace().nth(1) == Some("0"))
    })
}

/// The uid Dovecot's mail users run as (nobody): Dovecot refuses root.
const MAIL_UID: u32 = 65_534;

/// A Dovecot IMAP server on 127.0.0.1 (plain IMAP, passwords in a file) whose mailboxes mail
/// is delivered into as an MTA would (`dovecot-lda`).
pub struct Dovecot {
    /// Its IMAP port.
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl Dovecot {
    /// Starts one with these users and passwords; fails the test when Dovecot is missing
    /// (`scripts/test-deps` installs it).
    pub fn start(users: &[(&str, &str)]) -> Dovecot {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a directory for Dovecot");
        let root = dir.path();
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755))
            .expect("let the mail user in");
        for sub in ["run", "state", "home"] {
            std::fs::create_dir(root.join(sub)).expect("Dovecot's directories");
        }
        std::os::unix::fs::chown(root.join("home"), Some(MAIL_UID), Some(MAIL_UID))
            .expect("the mail user owns the mail");
        let passwords: String = users
            .iter()
            .map(|(user, password)| format!("{user}:{{PLAIN}}{password}::::::\n"))
            .collect();
        std::fs::write(root.join("users"), passwords).expect("the password file");
        let port = free_port();
        let r = root.display();
        let config = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {r}/run\nstate_dir = {r}/state\n\
             log_path = {r}/dovecot.log\nssl = no\ndisable_plaintext_auth = no\n\
             auth_mechanisms = plain login\nmail_location = maildir:{r}/home/%u/Maildir\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {r}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid={MAIL_UID} gid={MAIL_UID} home={r}/home/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service pop3-login {{\n  inet_listener pop3 {{\n    port = 0\n  }}\n}}\n\
             service submission-login {{\n  inet_listener submission {{\n    port = 0\n  }}\n}}\n"
        );
        std::fs::write(root.join("dovecot.conf"), config).expect("Dovecot's configuration");
        let child = Command::new("/usr/sbin/dovecot")
            .arg("-F")
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start Dovecot (/usr/sbin/dovecot from dovecot-imapd)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "Dovecot did not listen on {port}: {}",
                std::fs::read_to_string(root.join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Dovecot { port, dir, child }
    }

    /// Delivers a mail into `user`'s inbox as an MTA does.
    pub fn deliver(&self, user: &str, raw: &[u8]) {
        use std::io::Write;
        let mut lda = Command::new("/usr/lib/dovecot/dovecot-lda")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .arg("-d")
            .arg(user)
            .stdin(Stdio::piped())
            .spawn()
            .expect("run dovecot-lda");
        lda.stdin
            .take()
            .expect("its input")
            .write_all(raw)
            .expect("hand it the mail");
        let status = lda.wait().expect("dovecot-lda finished");
        assert!(status.success(), "dovecot-lda refused the mail: {status}");
    }

    /// Deletes every message in `user`'s inbox (their UIDs are never used again).
    pub fn expunge_all(&self, user: &str) {
        let status = Command::new("/usr/bin/doveadm")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .args(["expunge", "-u", user, "mailbox", "INBOX", "all"])
            .status()
            .expect("run doveadm");
        assert!(status.success(), "doveadm expunge failed: {status}");
    }

    /// How many of `user`'s messages carry the `\Seen` flag.
    pub fn seen(&self, user: &str) -> usize {
        let cur = self.dir.path().join("home").join(user).join("Maildir/cur");
        std::fs::read_dir(cur)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| {
                        let name = e.file_name().to_string_lossy().to_string();
                        name.rsplit_once(":2,")
                            .is_some_and(|(_, flags)| flags.contains('S'))
                    })
                    .count()
            })
            .unwrap_or(0)
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
