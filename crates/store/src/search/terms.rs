//! Search terms: how text becomes the words it is found by.
//!
//! Both backends index the same terms, made here: lower-cased words for alphabetic scripts
//! (English words reduced to their stem, so `refund` finds "Refunds" and "refunded"), and
//! every character and pair of adjacent characters for Chinese, Japanese and Korean, which are
//! written without spaces, so `退货` finds "申请退货".

use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

/// The longest word kept; longer runs (hashes, base64) are cut here.
pub(crate) const MAX_WORD_CHARS: usize = 64;
/// The most distinct terms one entry holds.
const MAX_ENTRY_TERMS: usize = 20_000;
/// The most bytes of terms one entry holds (PostgreSQL's tsvector stores at most 1 MiB).
const MAX_ENTRY_BYTES: usize = 512 * 1024;

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Whether `c` belongs to a script written without spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x3134F  // CJK Extensions B–G
    )
}

/// What kind of characters a run holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunKind {
    /// Letters and digits of a script that separates words by spaces.
    Word,
    /// Characters of a script written without spaces.
    Cjk,
}

/// A run of characters of one kind, and where it lies in its text (bytes).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Run<'a> {
    pub kind: RunKind,
    pub text: &'a str,
    pub start: usize,
}

impl Run<'_> {
    /// Where the run ends in its text (bytes).
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

/// The runs of letters, digits and CJK characters in `text`, in order.
pub(crate) fn runs(text: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut current: Option<(RunKind, usize)> = None;
    for (at, c) in text.char_indices() {
        let kind = if is_cjk(c) {
            Some(RunKind::Cjk)
        } else if c.is_alphanumeric() {
            Some(RunKind::Word)
        } else {
            None
        };
        match (current, kind) {
            (Some((open, _)), Some(kind)) if open == kind => {}
            (Some((open, start)), _) => {
                out.push(Run {
                    kind: open,
                    text: &text[start..at],
                    start,
                });
                current = kind.map(|k| (k, at));
            }
            (None, _) => current = kind.map(|k| (k, at)),
        }
    }
    if let Some((kind, start)) = current {
        out.push(Run {
            kind,
            text: &text[start..],
            start,
        });
    }
    out
}

/// A word as typed, lower-cased and cut to the longest word kept.
pub(crate) fn lowered(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .take(MAX_WORD_CHARS)
        .collect()
}

/// The term a word is indexed and searched by: lower-cased, and reduced to its stem when it
/// is an English word (plain ASCII letters).
pub(crate) fn word_term(word: &str) -> String {
    let lower = lowered(word);
    if lower.bytes().all(|b| b.is_ascii_lowercase()) {
        ENGLISH.stem(&lower).into_owned()
    } else {
        lower
    }
}

/// The distinct terms of some texts, in first-seen order, within one entry's budget.
pub fn terms_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut terms = Vec::new();
    let mut bytes = 0;
    let mut add = |term: String| {
        if terms.len() < MAX_ENTRY_TERMS
            && bytes + term.len() <= MAX_ENTRY_BYTES
            && seen.insert(term.clone())
        {
            bytes += term.len();
            terms.push(term);
        }
    };
    for text in texts {
        for run in runs(text) {
            match run.kind {
                RunKind::Word => add(word_term(run.text)),
                RunKind::Cjk => {
                    let chars: Vec<char> = run.text.chars().collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_give_stemmed_words_and_cjk_grams() {
        let terms = terms_of(["Refunds for orders #A-1042", "申请退货"]);
        let expected = [
            "refund", "for", "order", "a", "1042", "申", "申请", "请", "请退", "退", "退货", "货",
        ];
        assert_eq!(terms, expected);
    }

    #[test]
    fn mixed_scripts_split_at_the_boundary() {
        assert_eq!(terms_of(["iPhone15屏幕"]), ["iphone15", "屏", "屏幕", "幕"]);
    }

    #[test]
    fn runs_know_where_they_are() {
        let text = "Hi 退货, ok";
        let found: Vec<(&str, usize)> = runs(text).iter().map(|r| (r.text, r.start)).collect();
        assert_eq!(found, [("Hi", 0), ("退货", 3), ("ok", 11)]);
    }

    #[test]
    fn entries_stay_within_the_byte_budget() {
        let words: Vec<String> = (0..40_000).map(|i| format!("{i:0>60}")).collect();
        let text = words.join(" ");
        let terms = terms_of([text.as_str()]);
        let size: usize = terms.iter().map(String::len).sum();
        assert!(size <= MAX_ENTRY_BYTES, "{size} bytes");
        assert!(terms.len() > 1000);
    }
}
