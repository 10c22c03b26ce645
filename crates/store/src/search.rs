//! Search terms: how text becomes the words a ticket is found by.
//!
//! Both backends index the same terms, made here: lower-cased words for alphabetic scripts,
//! and every character and pair of adjacent characters for Chinese, Japanese and Korean, which
//! are written without spaces. A query is split the same way and every term must match, so
//! `退货` finds "申请退货" and `refund` finds "Refunds" (words match by prefix).

use std::collections::HashSet;

use kefu_domain::message::Visibility;
use kefu_domain::ticket::Ticket;

/// The longest word kept; longer runs (hashes, base64) are cut here.
const MAX_WORD_CHARS: usize = 64;
/// The most distinct terms one ticket's document holds.
const MAX_DOCUMENT_TERMS: usize = 20_000;
/// The most bytes of terms one document holds (PostgreSQL's tsvector stores at most 1 MiB).
const MAX_DOCUMENT_BYTES: usize = 512 * 1024;
/// The most terms a query uses.
const MAX_QUERY_TERMS: usize = 16;

/// Whether `c` belongs to a script written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x3134F  // CJK Extensions B–G
    )
}

/// A run of characters of one kind in a text.
enum Run {
    Word(String),
    Cjk(Vec<char>),
}

fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut cjk = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.push(Run::Word(std::mem::take(&mut word)));
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            if !cjk.is_empty() {
                out.push(Run::Cjk(std::mem::take(&mut cjk)));
            }
            word.extend(c.to_lowercase());
        } else {
            if !word.is_empty() {
                out.push(Run::Word(std::mem::take(&mut word)));
            }
            if !cjk.is_empty() {
                out.push(Run::Cjk(std::mem::take(&mut cjk)));
            }
        }
    }
    if !word.is_empty() {
        out.push(Run::Word(word));
    }
    if !cjk.is_empty() {
        out.push(Run::Cjk(cjk));
    }
    out
}

fn truncate_word(word: String) -> String {
    if word.chars().count() > MAX_WORD_CHARS {
        word.chars().take(MAX_WORD_CHARS).collect()
    } else {
        word
    }
}

/// The distinct terms of a ticket's texts, in first-seen order.
pub fn document_terms<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut terms = Vec::new();
    let mut bytes = 0;
    let mut add = |term: String| {
        if terms.len() < MAX_DOCUMENT_TERMS
            && bytes + term.len() <= MAX_DOCUMENT_BYTES
            && seen.insert(term.clone())
        {
            bytes += term.len();
            terms.push(term);
        }
    };
    for text in texts {
        for run in runs(text) {
            match run {
                Run::Word(word) => add(truncate_word(word)),
                Run::Cjk(chars) => {
                    for (i, c) in chars.iter().enumerate() {
                        add(c.to_string());
                        if let Some(next) = chars.get(i + 1) {
                            add([*c, *next].iter().collect());
                        }
                    }
                }
            }
        }
    }
    terms
}

/// The search terms of one ticket, as both backends index them.
#[derive(Clone, Debug)]
pub struct SearchDocument {
    /// The ticket's id.
    pub ticket_id: String,
    /// The ticket's number (SQLite's FTS rowid).
    pub number: i64,
    /// Terms of the subject and every message.
    pub all_terms: Vec<String>,
    /// Terms of the subject and the public messages.
    pub public_terms: Vec<String>,
}

impl SearchDocument {
    /// The document of a ticket with these texts (message bodies and their visibility).
    pub fn new(ticket: &Ticket, texts: &[(Visibility, &str)]) -> Self {
        let subject = std::iter::once(ticket.subject.as_str());
        let all = subject.clone().chain(texts.iter().map(|(_, t)| *t));
        let public = subject.chain(
            texts
                .iter()
                .filter(|(v, _)| *v == Visibility::Public)
                .map(|(_, t)| *t),
        );
        Self {
            ticket_id: ticket.id.to_string(),
            number: ticket.number.get(),
            all_terms: document_terms(all),
            public_terms: document_terms(public),
        }
    }
}

/// One term of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryTerm {
    /// The term as indexed.
    pub text: String,
    /// Whether longer terms starting with it match too (words, not CJK).
    pub prefix: bool,
}

/// A parsed search: every term must match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<QueryTerm>,
}

impl SearchQuery {
    /// Splits what a user typed into terms; `None` if nothing searchable is left.
    pub fn parse(input: &str) -> Option<Self> {
        let mut terms: Vec<QueryTerm> = Vec::new();
        for run in runs(input) {
            match run {
                Run::Word(word) => terms.push(QueryTerm {
                    text: truncate_word(word),
                    prefix: true,
                }),
                Run::Cjk(chars) if chars.len() == 1 => terms.push(QueryTerm {
                    text: chars.iter().collect(),
                    prefix: false,
                }),
                Run::Cjk(chars) => terms.extend(chars.windows(2).map(|pair| QueryTerm {
                    text: pair.iter().collect(),
                    prefix: false,
                })),
            }
        }
        let mut seen = HashSet::new();
        terms.retain(|t| seen.insert(t.text.clone()));
        terms.truncate(MAX_QUERY_TERMS);
        (!terms.is_empty()).then_some(Self { terms })
    }

    /// The terms, all of which must match.
    pub fn terms(&self) -> &[QueryTerm] {
        &self.terms
    }

    /// The query in PostgreSQL `tsquery` syntax; terms hold only letters and digits, so
    /// quoting them is enough.
    pub fn to_tsquery(&self) -> String {
        self.terms
            .iter()
            .map(|t| format!("'{}'{}", t.text, if t.prefix { ":*" } else { "" }))
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The query in SQLite FTS5 syntax, restricted to one column.
    pub fn to_fts5(&self, column: &str) -> String {
        let terms = self
            .terms
            .iter()
            .map(|t| format!("\"{}\"{}", t.text, if t.prefix { "*" } else { "" }))
            .collect::<Vec<_>>()
            .join(" AND ");
        format!("{column} : ({terms})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_hold_words_and_cjk_grams() {
        let terms = document_terms(["Refund for order #A-1042", "申请退货"]);
        let expected = [
            "refund", "for", "order", "a", "1042", "申", "申请", "请", "请退", "退", "退货", "货",
        ];
        assert_eq!(terms, expected);
    }

    #[test]
    fn mixed_scripts_split_at_the_boundary() {
        assert_eq!(
            document_terms(["iPhone15屏幕"]),
            ["iphone15", "屏", "屏幕", "幕"]
        );
    }

    #[test]
    fn queries_match_cjk_by_bigrams_and_words_by_prefix() {
        let query = SearchQuery::parse("退货单 Refu").map(|q| q.to_tsquery());
        assert_eq!(query.as_deref(), Some("'退货' & '货单' & 'refu':*"));
        let single = SearchQuery::parse("货").map(|q| q.to_fts5("all_doc"));
        assert_eq!(single.as_deref(), Some("all_doc : (\"货\")"));
    }

    #[test]
    fn documents_stay_within_the_byte_budget() {
        let words: Vec<String> = (0..40_000).map(|i| format!("{i:0>60}")).collect();
        let text = words.join(" ");
        let terms = document_terms([text.as_str()]);
        let size: usize = terms.iter().map(String::len).sum();
        assert!(size <= MAX_DOCUMENT_BYTES, "{size} bytes");
        assert!(terms.len() > 1000);
    }

    #[test]
    fn punctuation_only_is_no_query() {
        assert_eq!(SearchQuery::parse("  ?!* \"' "), None);
        assert!(
            SearchQuery::parse("a'); DROP TABLE tickets; --").is_some_and(|q| q
                .terms()
                .iter()
                .all(|t| t.text.chars().all(char::is_alphanumeric)))
        );
    }
}
