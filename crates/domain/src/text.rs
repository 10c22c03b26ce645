//! Free text fields: subjects, names, message bodies.
//!
//! Text is NFC-normalised, so the same words are stored the same way however they were typed.
//! One-line fields (subjects, names) refuse characters that change how text is displayed
//! without being seen: bidirectional overrides and isolates (which can make
//! "Refund $1000" read as something else) and zero-width characters (which hide inside words).

use unicode_normalization::UnicodeNormalization;

use crate::DomainError;

/// Whether `c` reorders text (bidirectional controls) or hides in it (zero-width and other
/// invisible formatting characters). Zero-width joiners are judged in context by
/// [`find_invisible`], since emoji sequences and several scripts need them.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' // Arabic letter mark, LRM, RLM
        | '\u{202A}'..='\u{202E}'            // embeddings and overrides
        | '\u{2066}'..='\u{2069}'            // isolates
        | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' // zero width space, word joiner, BOM
        | '\u{2061}'..='\u{2064}'            // invisible operators
        | '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // soft hyphen, fillers
        | '\u{FFF9}'..='\u{FFFB}'            // interlinear annotations
        | '\u{E0000}'..='\u{E007F}'          // tag characters
    )
}

/// The first invisible or reordering character in `text`, if any. A zero-width joiner or
/// non-joiner counts only between ASCII or blank neighbours (`ad\u{200D}min`), not inside
/// an emoji sequence or a script that joins letters with it.
pub fn find_invisible(text: &str) -> Option<char> {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().find_map(|(i, &c)| {
        if is_invisible(c) {
            return Some(c);
        }
        if matches!(c, '\u{200C}' | '\u{200D}') {
            let plain = |n: Option<&char>| n.is_none_or(|n| n.is_ascii() || n.is_whitespace());
            let before = i.checked_sub(1).and_then(|j| chars.get(j));
            if plain(before) || plain(chars.get(i + 1)) {
                return Some(c);
            }
        }
        None
    })
}

/// `text` without invisible and reordering characters, for text that comes from outside
/// (mail, chat from another system), where refusing would lose the message.
pub fn strip_invisible(text: &str) -> String {
    let mut out: String = text.nfc().collect();
    while let Some(c) = find_invisible(&out) {
        out = out.replacen(c, "", 1);
    }
    out
}

/// Trims and NFC-normalises `value` and checks it is between 1 and `max_chars` characters
/// without control characters (line breaks allowed only where `multiline`) and, for one-line
/// fields, without invisible or reordering characters.
pub fn clean(
    field: &'static str,
    value: &str,
    max_chars: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    let normal: String = value.nfc().collect();
    let trimmed = normal.trim();
    let problem = |problem: String| DomainError::InvalidText { field, problem };
    if !multiline && let Some(c) = find_invisible(trimmed) {
        return Err(problem(format!(
            "must not contain invisible or text-direction characters (found U+{:04X})",
            u32::from(c)
        )));
    }
    if trimmed.is_empty() {
        return Err(problem("must not be empty".into()));
    }
    let count = trimmed.chars().count();
    if count > max_chars {
        return Err(problem(format!(
            "must be at most {max_chars} characters (got {count})"
        )));
    }
    let allowed = |c: char| !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t'));
    if !trimmed.chars().all(allowed) {
        return Err(problem("must not contain control characters".into()));
    }
    Ok(trimmed.to_owned())
}

/// Like [`clean`], for a field that may be left empty: blank input is `None`.
pub fn optional(
    field: &'static str,
    value: Option<&str>,
    max_chars: usize,
    multiline: bool,
) -> Result<Option<String>, DomainError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| clean(field, v, max_chars, multiline))
        .transpose()
}

/// The longest subject a ticket may have, in characters.
pub const SUBJECT_MAX: usize = 250;
/// The longest message body, in characters.
pub const BODY_MAX: usize = 65_536;
/// The longest person, team or organisation name, in characters.
pub const NAME_MAX: usize = 120;

/// A ticket subject: one line, 1 to [`SUBJECT_MAX`] characters.
pub fn subject(value: &str) -> Result<String, DomainError> {
    clean("subject", value, SUBJECT_MAX, false)
}

/// A message body: 1 to [`BODY_MAX`] characters, line breaks allowed.
pub fn body(value: &str) -> Result<String, DomainError> {
    clean("body", value, BODY_MAX, true)
}

/// A name: one line, 1 to [`NAME_MAX`] characters.
pub fn name(field: &'static str, value: &str) -> Result<String, DomainError> {
    clean(field, value, NAME_MAX, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_trimmed_single_lines() {
        assert_eq!(subject("  退货申请 #12  ").as_deref(), Ok("退货申请 #12"));
        assert!(subject("   ").is_err());
        assert!(subject("two\nlines").is_err());
        assert!(subject(&"字".repeat(SUBJECT_MAX + 1)).is_err());
        assert!(subject(&"字".repeat(SUBJECT_MAX)).is_ok());
    }

    #[test]
    fn optional_fields_may_be_blank() {
        assert_eq!(optional("organisation", None, 10, false), Ok(None));
        assert_eq!(optional("organisation", Some("  "), 10, false), Ok(None));
        assert_eq!(
            optional("organisation", Some(" Acme "), 10, false),
            Ok(Some("Acme".into()))
        );
        assert!(optional("organisation", Some("a\u{0}"), 10, false).is_err());
    }

    #[test]
    fn one_line_text_cannot_hide_or_reorder_characters() {
        let reversed = "Refund \u{202e}redro ym rof 0001$\u{202c} please";
        assert!(subject(reversed).is_err());
        assert!(subject("\u{202e}\u{200b}").is_err());
        assert!(name("name", "ad\u{200b}min").is_err());
        assert!(name("name", "ad\u{200d}min").is_err());
        assert!(name("name", "\u{2066}Li\u{2069}").is_err());
        // Emoji sequences and joining scripts keep their joiners.
        assert!(subject("Family 👨\u{200d}👩\u{200d}👧 trip").is_ok());
        assert!(name("name", "می\u{200c}خواهم").is_ok());
    }

    #[test]
    fn text_is_nfc_normalised() {
        assert_eq!(name("name", "Jose\u{301}").as_deref(), Ok("Jos\u{e9}"));
        assert_eq!(subject("e\u{301}te\u{301}"), subject("\u{e9}t\u{e9}"));
    }

    #[test]
    fn outside_text_is_stripped_rather_than_refused() {
        assert_eq!(strip_invisible("pay\u{200b}pal \u{202e}x"), "paypal x");
        assert_eq!(strip_invisible("👨\u{200d}👩"), "👨\u{200d}👩");
    }

    #[test]
    fn bodies_keep_line_breaks_but_not_other_controls() {
        assert_eq!(
            body("Hello,\n\nthanks\n").as_deref(),
            Ok("Hello,\n\nthanks")
        );
        assert!(body("bell\u{7}").is_err());
    }
}
