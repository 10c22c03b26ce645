//! What a user typed into the search box, as terms both backends can look up.

use std::collections::HashSet;

use super::entry::{Facets, team_term};
use super::terms::{RunKind, lowered, runs, word_term};
use kefu_domain::permissions::SearchScope;

/// The most terms a query uses.
const MAX_QUERY_TERMS: usize = 16;
/// The shortest word that may end in `*` to match every word it begins.
const MIN_PREFIX_CHARS: usize = 2;

/// One term of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryTerm {
    /// The term as indexed.
    pub text: String,
    /// Whether longer terms starting with it match too (a word typed with a trailing `*`).
    pub prefix: bool,
}

/// A parsed search: every term must match in the subject or in one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<QueryTerm>,
}

impl SearchQuery {
    /// Splits what a user typed into terms; `None` if nothing searchable is left. Words are
    /// matched whole (by stem); a word ending in `*` matches every word it begins.
    pub fn parse(input: &str) -> Option<Self> {
        let mut terms: Vec<QueryTerm> = Vec::new();
        for run in runs(input) {
            match run.kind {
                RunKind::Word => {
                    let starred = input[run.end()..].starts_with('*')
                        && run.text.chars().count() >= MIN_PREFIX_CHARS;
                    terms.push(QueryTerm {
                        text: if starred {
                            lowered(run.text)
                        } else {
                            word_term(run.text)
                        },
                        prefix: starred,
                    });
                }
                RunKind::Cjk => {
                    let chars: Vec<char> = run.text.chars().collect();
                    if chars.len() == 1 {
                        terms.push(QueryTerm {
                            text: run.text.to_owned(),
                            prefix: false,
                        });
                    }
                    terms.extend(chars.windows(2).map(|pair| QueryTerm {
                        text: pair.iter().collect(),
                        prefix: false,
                    }));
                }
            }
        }
        let mut seen = HashSet::new();
        terms.retain(|t| seen.insert((t.text.clone(), t.prefix)));
        terms.truncate(MAX_QUERY_TERMS);
        (!terms.is_empty()).then_some(Self { terms })
    }

    /// The terms, all of which must match.
    pub fn terms(&self) -> &[QueryTerm] {
        &self.terms
    }

    /// Whether `word` (as it appears in a text) is one of the query's words.
    pub fn matches_word(&self, word: &str) -> bool {
        let mut stem = None;
        self.terms.iter().any(|t| {
            if t.prefix {
                lowered(word).starts_with(&t.text)
            } else {
                stem.get_or_insert_with(|| word_term(word)) == &t.text
            }
        })
    }

    /// Whether `gram` (one or two CJK characters) is one of the query's terms.
    pub fn matches_gram(&self, gram: &str) -> bool {
        self.terms.iter().any(|t| !t.prefix && t.text == gram)
    }

    /// What to look for in a space-separated list of terms, one per term, as SQLite's
    /// `instr` finds it in the list with a space on either side: ` term ` for a whole term,
    /// ` term` for a term's beginning (terms hold no spaces).
    pub fn needles(&self) -> Vec<String> {
        self.terms
            .iter()
            .map(|t| {
                if t.prefix {
                    format!(" {}", t.text)
                } else {
                    format!(" {} ", t.text)
                }
            })
            .collect()
    }

    /// The PostgreSQL lexemes an entry within `facets` must hold for the query to match it
    /// (the words, joined to the team when there is one, and the stage facet); `None` when a
    /// word is a prefix, which matches many lexemes.
    pub fn lexemes(&self, facets: &Facets) -> Option<Vec<String>> {
        self.terms
            .iter()
            .map(|t| (!t.prefix).then(|| lexeme(t, facets)))
            .chain(facets.stage.iter().map(|f| Some(f.clone())))
            .collect()
    }

    /// The query in PostgreSQL `tsquery` syntax, narrowed to entries with all of `facets`:
    /// within a team, the words joined to it ([`team_term`]). Terms hold no quotes or
    /// backslashes but may in principle (lower-casing can add combining marks), so they are
    /// escaped anyway.
    pub fn to_tsquery(&self, facets: &Facets) -> String {
        let quote = |text: &str| text.replace('\\', "\\\\").replace('\'', "\\'");
        self.terms
            .iter()
            .map(|t| {
                let text = lexeme(t, facets);
                format!("'{}'{}", quote(&text), if t.prefix { ":*" } else { "" })
            })
            .chain(facets.stage.iter().map(|f| format!("'{}'", quote(f))))
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The query in SQLite FTS5 syntax, over the columns `scope` may read, narrowed to entries
    /// with all of `facets`. Staff read every column; no word can match a facet. Within a
    /// team, staff's words are looked up as joined to the team ([`team_term`]).
    pub fn to_fts5(&self, scope: SearchScope, facets: &Facets) -> String {
        let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
        let terms = |team: Option<&str>| {
            self.terms
                .iter()
                .map(|t| {
                    let text = match team {
                        Some(team) => team_term(team, &t.text),
                        None => t.text.clone(),
                    };
                    format!("{}{}", quote(&text), if t.prefix { " *" } else { "" })
                })
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let (mut query, rest) = match (scope, facets.team.as_deref()) {
            (SearchScope::All, Some(team)) => (
                format!("team_terms : ({})", terms(Some(team))),
                facets.stage.iter().collect::<Vec<_>>(),
            ),
            (SearchScope::All, None) => {
                (format!("({})", terms(None)), facets.stage.iter().collect())
            }
            (SearchScope::Public, _) => (
                format!("{{subject public_body}} : ({})", terms(None)),
                facets.team.iter().chain(&facets.stage).collect(),
            ),
        };
        for facet in rest {
            query.push_str(" AND facets : ");
            query.push_str(&quote(facet));
        }
        query
    }
}

/// A word as the index holds it within `facets`: joined to the team when there is one.
fn lexeme(term: &QueryTerm, facets: &Facets) -> String {
    match &facets.team {
        Some(team) => team_term(team, &term.text),
        None => term.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_match_cjk_by_bigrams_and_words_by_stem_or_star() {
        let query =
            SearchQuery::parse("退货单 Refunds rout*").map(|q| q.to_tsquery(&Facets::default()));
        assert_eq!(
            query.as_deref(),
            Some("'退货' & '货单' & 'refund' & 'rout':*")
        );
        let single =
            SearchQuery::parse("货").map(|q| q.to_fts5(SearchScope::Public, &Facets::default()));
        assert_eq!(single.as_deref(), Some("{subject public_body} : (\"货\")"));
        let facets = Facets {
            team: Some("_team_x".into()),
            stage: Some("_stage_y".into()),
        };
        let pg = SearchQuery::parse("rout*").map(|q| q.to_tsquery(&facets));
        assert_eq!(pg.as_deref(), Some("'_team_x_rout':* & '_stage_y'"));
        let lexemes = SearchQuery::parse("退货").and_then(|q| q.lexemes(&facets));
        assert_eq!(
            lexemes,
            Some(vec!["_team_x_退货".to_owned(), "_stage_y".to_owned()])
        );
        assert_eq!(
            SearchQuery::parse("退货 rout*").and_then(|q| q.lexemes(&facets)),
            None
        );
        let team = SearchQuery::parse("rout* 退货").map(|q| q.to_fts5(SearchScope::All, &facets));
        assert_eq!(
            team.as_deref(),
            Some(
                "team_terms : (\"_team_x_rout\" * AND \"_team_x_退货\") AND facets : \"_stage_y\""
            )
        );
        let theirs = SearchQuery::parse("退货").map(|q| q.to_fts5(SearchScope::Public, &facets));
        assert_eq!(
            theirs.as_deref(),
            Some(
                "{subject public_body} : (\"退货\") AND facets : \"_team_x\" AND facets : \"_stage_y\""
            )
        );
    }

    #[test]
    fn words_match_their_forms() {
        let Some(query) = SearchQuery::parse("refund rout*") else {
            panic!("a query");
        };
        assert!(query.matches_word("Refunded"));
        assert!(query.matches_word("routers"));
        assert!(!query.matches_word("order"));
        assert!(!query.matches_gram("退货"));
    }

    #[test]
    fn a_lone_star_or_one_letter_is_no_prefix() {
        let query = SearchQuery::parse("a* *").map(|q| q.terms().to_vec());
        assert_eq!(
            query,
            Some(vec![QueryTerm {
                text: "a".into(),
                prefix: false
            }])
        );
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

    #[test]
    fn needles_are_whole_terms_or_beginnings() {
        let needles = SearchQuery::parse("退货 refunds rout*").map(|q| q.needles());
        assert_eq!(
            needles,
            Some(vec![" 退货 ".into(), " refund ".into(), " rout".into()])
        );
    }
}
