//! The text rules take any text a mail can hold — cut tags and entities, any script, stray
//! brackets — without panicking.

use kefu_mail::{headers, html, quotes, reply_address, threading};
use proptest::prelude::*;

/// Text rich in the characters the rules look for, in several scripts.
fn texty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("<".to_owned()),
            Just(">".to_owned()),
            Just("&".to_owned()),
            Just(";".to_owned()),
            Just("&#".to_owned()),
            Just("[#".to_owned()),
            Just("]".to_owned()),
            Just("＃".to_owned()),
            Just("回复：".to_owned()),
            Just("\n> ".to_owned()),
            Just("------------------ 原始邮件 ------------------\n".to_owned()),
            Just("From: ".to_owned()),
            Just("+t".to_owned()),
            Just("@".to_owned()),
            "\\PC{0,8}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn no_text_panics_a_rule(text in texty()) {
        let _ = html::to_text(&text);
        let _ = html::decode_entities(&text);
        let _ = html::sanitise(&text);
        let _ = quotes::split(&text);
        let _ = threading::clean_subject(&text);
        let _ = threading::subject_tag(&text);
        let _ = headers::one_line(&text);
        let _ = headers::message_ids(&text);
        let _ = reply_address::ReplyAddresses::new(b"k").ticket_of(&text);
        let _ = reply_address::base_address(&text);
    }
}
