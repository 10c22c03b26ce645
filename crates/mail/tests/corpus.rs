//! The golden corpus: raw messages from many clients, charsets and machines, each with what
//! Kefu must read from it (`corpus/expected.json`). Threading onto tickets is checked with the
//! same corpus by the app's ingestion tests.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::Path;

use kefu_mail::inbound;
use serde_json::Value;

fn corpus() -> Vec<(String, Vec<u8>, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let mut cases: Vec<_> = expected
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, want)| {
            let raw = std::fs::read(dir.join(format!("{name}.eml")))
                .unwrap_or_else(|e| panic!("{name}.eml: {e}"));
            (name.clone(), raw, want.clone())
        })
        .collect();
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(cases.len() >= 20, "the corpus lost messages");
    cases
}

#[test]
fn every_corpus_message_reads_as_expected() {
    let mut failures = Vec::new();
    for (name, raw, want) in corpus() {
        let mut fail = |what: String| failures.push(format!("{name}: {what}"));
        let mail = match inbound::parse(&raw, Some("shop.example")) {
            Ok(mail) => mail,
            Err(e) => {
                if want.get("error").and_then(Value::as_str) != Some("no_sender") {
                    fail(format!("not read: {e}"));
                }
                continue;
            }
        };
        if want.get("error").is_some() {
            fail("read, but should have been refused".into());
        }
        let text = |key: &str| want.get(key).and_then(Value::as_str);
        if let Some(subject) = text("subject")
            && mail.subject != subject
        {
            fail(format!("subject {:?}, expected {subject:?}", mail.subject));
        }
        if let Some(reply) = text("reply")
            && mail.reply != reply
        {
            fail(format!("reply {:?}, expected {reply:?}", mail.reply));
        }
        if let Some(part) = text("reply_contains")
            && !mail.reply.contains(part)
        {
            fail(format!("reply {:?} lacks {part:?}", mail.reply));
        }
        if let Some(part) = text("quoted_contains")
            && !mail.quoted.as_deref().unwrap_or("").contains(part)
        {
            fail(format!("quoted {:?} lacks {part:?}", mail.quoted));
        }
        if let Some(part) = text("html_contains")
            && !mail.html.as_deref().unwrap_or("").contains(part)
        {
            fail(format!("html {:?} lacks {part:?}", mail.html));
        }
        for banned in want
            .get("html_excludes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let banned = banned.as_str().unwrap();
            if mail.html.as_deref().unwrap_or("").contains(banned) {
                fail(format!("html keeps {banned:?}: {:?}", mail.html));
            }
        }
        if let Some(from) = text("from")
            && mail.from.address != from
        {
            fail(format!("from {:?}", mail.from.address));
        }
        let ids = |key: &str| -> Option<Vec<String>> {
            want.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        };
        if let Some(expected) = ids("in_reply_to")
            && mail.in_reply_to != expected
        {
            fail(format!("in_reply_to {:?}", mail.in_reply_to));
        }
        if let Some(expected) = ids("references")
            && mail.references != expected
        {
            fail(format!("references {:?}", mail.references));
        }
        if let Some(expected) = ids("cc") {
            let cc: Vec<String> = mail.cc.iter().map(|m| m.address.clone()).collect();
            if cc != expected {
                fail(format!("cc {cc:?}"));
            }
        }
        if let Some(expected) = want.get("automatic") {
            let got = serde_json::to_value(mail.automatic).unwrap();
            if &got != expected {
                fail(format!("automatic {got}, expected {expected}"));
            }
        }
        if let Some(expected) = want.get("bounce") {
            let got = serde_json::to_value(&mail.bounce).unwrap();
            for (key, value) in expected.as_object().unwrap() {
                if got.get(key) != Some(value) {
                    fail(format!(
                        "bounce {key}: {:?}, expected {value}",
                        got.get(key)
                    ));
                }
            }
        }
        if let Some(expected) = want.get("attachments").and_then(Value::as_array) {
            let got: Vec<Value> = mail
                .attachments
                .iter()
                .map(|a| serde_json::json!([a.name, a.declared_type, a.inline]))
                .collect();
            if &got != expected {
                fail(format!("attachments {got:?}, expected {expected:?}"));
            }
            if mail.attachments.iter().any(|a| a.bytes.is_empty()) {
                fail("an attachment lost its bytes".into());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

    /// No input panics the reader: it is read or refused with a reason.
    #[test]
    fn no_bytes_panic_the_reader(raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2_000)) {
        let _ = inbound::parse(&raw, Some("shop.example"));
    }

    /// Mail-shaped input with hostile headers and bodies does not panic either.
    #[test]
    fn no_header_panics_the_reader(
        name in "[A-Za-z-]{1,20}",
        value in "\\PC{0,200}",
        body in "\\PC{0,400}",
    ) {
        let raw = format!("From: a@b.example\r\n{name}: {value}\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n{body}\r\n");
        let _ = inbound::parse(raw.as_bytes(), Some("shop.example"));
    }
}
