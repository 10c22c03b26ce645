//! Snippets: the part of a text around the words searched for, with those words marked.

use super::query::SearchQuery;
use super::terms::{RunKind, runs};

/// Characters shown before the first match.
const LEAD_CHARS: usize = 40;

/// One piece of a snippet: plain text, or a word that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// Whether it is one of the words searched for.
    pub highlight: bool,
}

/// The byte ranges of `text` that match `query`, in order and not overlapping.
fn matches(text: &str, query: &SearchQuery) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut push = |start: usize, end: usize| match found.last_mut() {
        Some(last) if start <= last.1 => last.1 = last.1.max(end),
        _ => found.push((start, end)),
    };
    for run in runs(text) {
        match run.kind {
            RunKind::Word => {
                if query.matches_word(run.text) {
                    push(run.start, run.end());
                }
            }
            RunKind::Cjk => {
                let chars: Vec<(usize, char)> = run.text.char_indices().collect();
                for (i, (at, c)) in chars.iter().enumerate() {
                    let start = run.start + at;
                    let after = start + c.len_utf8();
                    if let Some((_, next)) = chars.get(i + 1) {
                        let end = after + next.len_utf8();
                        if query.matches_gram(&text[start..end]) {
                            push(start, end);
                            continue;
                        }
                    }
                    if query.matches_gram(&text[start..after]) {
                        push(start, after);
                    }
                }
            }
        }
    }
    found
}

/// The part of `text` around its first match, at most `max_chars` long, with the matches
/// marked; `None` if nothing in it matches. Runs of white space read as one space.
pub fn snippet(text: &str, query: &SearchQuery, max_chars: usize) -> Option<Vec<SnippetPart>> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let found = matches(&text, query);
    let first = found.first()?.0;
    let lead: Vec<usize> = text[..first].char_indices().map(|(i, _)| i).collect();
    let mut start = lead.len().checked_sub(LEAD_CHARS).map_or(0, |i| lead[i]);
    if start > 0
        && let Some(space) = text[start..first].find(' ')
    {
        start += space + 1;
    }
    let end = text[start..]
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| start + i);
    let mut parts = Vec::new();
    let plain = |from: usize, to: usize, parts: &mut Vec<SnippetPart>| {
        if from < to {
            parts.push(SnippetPart {
                text: text[from..to].to_owned(),
                highlight: false,
            });
        }
    };
    if start > 0 {
        parts.push(SnippetPart {
            text: "…".into(),
            highlight: false,
        });
    }
    let mut at = start;
    for (from, to) in found {
        if from >= end {
            break;
        }
        let to = to.min(end);
        plain(at, from, &mut parts);
        parts.push(SnippetPart {
            text: text[from..to].to_owned(),
            highlight: true,
        });
        at = to;
    }
    plain(at, end, &mut parts);
    if end < text.len() {
        parts.push(SnippetPart {
            text: "…".into(),
            highlight: false,
        });
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, query: &str, max: usize) -> Option<String> {
        let query = SearchQuery::parse(query)?;
        let parts = snippet(text, &query, max)?;
        Some(
            parts
                .iter()
                .map(|p| {
                    if p.highlight {
                        format!("[{}]", p.text)
                    } else {
                        p.text.clone()
                    }
                })
                .collect(),
        )
    }

    #[test]
    fn matches_are_marked_in_their_own_spelling() {
        assert_eq!(
            render(
                "We refunded  the\norder; REFUNDS take 3 days",
                "refund",
                200
            )
            .as_deref(),
            Some("We [refunded] the order; [REFUNDS] take 3 days")
        );
    }

    #[test]
    fn chinese_is_marked_by_its_pairs() {
        assert_eq!(
            render("您好，我想申请退货，谢谢", "退货", 200).as_deref(),
            Some("您好，我想申请[退货]，谢谢")
        );
    }

    #[test]
    fn long_texts_are_cut_around_the_first_match() {
        let text = format!(
            "{} the warranty covers it {}",
            "word ".repeat(50),
            "more ".repeat(50)
        );
        let shown = render(&text, "warranty", 60).unwrap_or_default();
        assert!(shown.starts_with("…word"), "{shown}");
        assert!(shown.contains("the [warranty] covers"), "{shown}");
        assert!(shown.ends_with('…'), "{shown}");
        assert!(shown.chars().count() <= 64, "{shown}");
    }

    #[test]
    fn no_match_is_no_snippet() {
        assert_eq!(render("nothing here", "refund", 200), None);
    }
}
