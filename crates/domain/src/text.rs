//! Free text fields: subjects, names, message bodies.

use crate::DomainError;

/// Trims `value` and checks it is between 1 and `max_chars` characters without control
/// characters (line breaks allowed only where `multiline`).
pub fn clean(
    field: &'static str,
    value: &str,
    max_chars: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    let trimmed = value.trim();
    let problem = |problem: String| DomainError::InvalidText { field, problem };
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
    fn bodies_keep_line_breaks_but_not_other_controls() {
        assert_eq!(
            body("Hello,\n\nthanks\n").as_deref(),
            Ok("Hello,\n\nthanks")
        );
        assert!(body("bell\u{7}").is_err());
    }
}
