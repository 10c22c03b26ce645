//! No value an outbound mail carries can add a header, end the headers early, or turn into
//! an SMTP command: whatever the subject, names, addresses' display names and body hold, the
//! built mail has exactly the headers Kefu wrote, and reads back to the same text.
#![expect(clippy::unwrap_used, reason = "tests")]

use chrono::DateTime;
use kefu_mail::inbound;
use kefu_mail::outbound::{Outbound, Party};
use proptest::prelude::*;

/// Hostile text: line breaks of every kind, NUL, dots and dashes at line starts, header-like
/// words, non-ASCII.
fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("\r\n".to_owned()),
            Just("\n".to_owned()),
            Just("\r".to_owned()),
            Just("\0".to_owned()),
            Just("\r\n.\r\n".to_owned()),
            Just(".".to_owned()),
            Just("--".to_owned()),
            Just("Bcc: victim@example.com".to_owned()),
            Just("\r\n\r\nInjected body".to_owned()),
            Just("MAIL FROM:<x@evil.example>".to_owned()),
            Just("打印机".to_owned()),
            "[ -~]{0,12}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn hostile_values_never_become_headers(subject in hostile(), name in hostile(), body in hostile(), topic in hostile()) {
        let mail = Outbound {
            message_id: "m1@mail.shop.example".into(),
            from: Party { name: Some(name.clone()), address: "support@shop.example".into() },
            reply_to: Some("support+t1-0123456789@shop.example".into()),
            to: vec![Party { name: Some(name), address: "customer@example.com".into() }],
            cc: vec![],
            subject,
            in_reply_to: None,
            references: vec![],
            thread_topic: topic,
            thread_index: "AQ==".into(),
            automatic: false,
            text: body.clone(),
            html: None,
            date: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
            attachments: Vec::new(),
        };
        let bytes = mail.to_bytes().unwrap();
        let raw = String::from_utf8(bytes.clone()).unwrap();
        let head = raw.split("\r\n\r\n").next().unwrap();
        // Every header line starts with a known name or is a folded continuation.
        let known = ["From:", "Reply-To:", "To:", "Subject:", "Message-ID:", "Date:", "Thread-Topic:", "Thread-Index:", "X-Mailer:", "MIME-Version:", "Content-Type:", "Content-Transfer-Encoding:"];
        for line in head.split("\r\n") {
            prop_assert!(line.starts_with(' ') || line.starts_with('\t') || known.iter().any(|k| line.starts_with(k)), "unexpected header line {line:?} in\n{head}");
        }
        prop_assert!(!head.split("\r\n").any(|l| l.starts_with("Bcc:")));
        prop_assert!(!raw.contains('\0'));
        prop_assert!(!raw.split("\r\n").any(|l| l == "."), "a lone dot would end the SMTP data");
        prop_assert!(!raw.replace("\r\n", "").contains('\n') && !raw.replace("\r\n", "").contains('\r'), "only CRLF line ends");
        // The body comes back as written (line ends normalised, trailing space trimmed).
        let parsed = inbound::parse(&bytes, None).unwrap();
        let expected = body.replace("\r\n", "\n");
        prop_assert_eq!(parsed.text.trim(), expected.trim());
    }
}
