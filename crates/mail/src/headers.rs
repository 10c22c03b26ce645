//! Header values that cannot carry anything but themselves: no CR, LF, NUL or other control
//! characters (so no header or SMTP command can be injected), folded to one line, and
//! Message-IDs in one canonical form.

/// The longest header value Kefu writes, in characters (subjects, names).
pub const VALUE_MAX: usize = 400;

/// `value` on one line: control characters (CR, LF, NUL, tabs…) become spaces, runs of
/// whitespace one space, and it is trimmed and cut at [`VALUE_MAX`] characters.
pub fn one_line(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut space = false;
    for c in value.chars() {
        if c.is_control() || c.is_whitespace() || is_line_separator(c) {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
        if out.chars().count() >= VALUE_MAX {
            break;
        }
    }
    out
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}')
}

/// A Message-ID without its angle brackets and surrounding space, or `None` when it cannot
/// be one (empty, spaces or control characters inside, no `@`, too long).
pub fn message_id(raw: &str) -> Option<String> {
    let id = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let valid = !id.is_empty()
        && id.len() <= 250
        && id.contains('@')
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\'));
    valid.then(|| id.to_owned())
}

/// Every Message-ID in a `References` or `In-Reply-To` value, in order (`<a@x> <b@y>`; some
/// clients separate them with commas or nothing).
pub fn message_ids(raw: &str) -> Vec<String> {
    raw.split(['<', '>', ' ', '\t', '\r', '\n', ','])
        .filter_map(message_id)
        .collect()
}

/// A `Content-ID` without brackets (`<logo@x>` → `logo@x`); unlike Message-IDs it need not
/// hold an `@`.
pub fn message_id_like(raw: &str) -> Option<String> {
    let id = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()
        && id.len() <= 250
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"')))
    .then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_removes_every_line_break_and_control_character() {
        assert_eq!(
            one_line("Hello\r\nBcc: victim@example.com"),
            "Hello Bcc: victim@example.com"
        );
        assert_eq!(one_line("a\nb\rc\0d\u{2028}e"), "a b c d e");
        assert_eq!(one_line("  padded \t "), "padded");
    }

    #[test]
    fn message_ids_are_read_from_every_client_style() {
        assert_eq!(
            message_ids("<a@x.example> <b@y.example>"),
            vec!["a@x.example", "b@y.example"]
        );
        assert_eq!(
            message_ids("<a@x.example>,<b@y.example>"),
            vec!["a@x.example", "b@y.example"]
        );
        assert_eq!(message_ids("<a@x.example><b@y.example>").len(), 2);
        assert!(message_ids("<no-at-sign>").is_empty());
    }
}
