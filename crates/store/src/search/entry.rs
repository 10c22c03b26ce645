//! Search entries: the subject of a ticket, and each of its messages, indexed on its own.
//!
//! A message adds one entry and never touches the others, so indexing costs the same on the
//! two-thousandth message as on the first. Every entry also holds the ticket's subject terms,
//! so a search for a word of the subject and a word of a message finds the ticket.
//!
//! Every entry also carries the ticket's **facets** (its team and its stage) as tokens no query
//! word can spell (they hold `_`, which splits words), so a search within a team's queue is
//! narrowed by the index itself; a ticket moved to another team or stage is indexed again. Each
//! term is also indexed joined to the team's facet ([`SearchEntry::team_terms`]):
//! a word searched within one team is then one list of entries to read, where a word and a
//! facet would be two long lists to intersect.
//!
//! An entry's key is the ticket's number in the high 32 bits and the entry's position on the
//! ticket in the low 32 (0 is the subject): a ticket's entries are one range of keys, which
//! both backends' indexes can probe.

use kefu_domain::ids::TeamId;
use kefu_domain::message::Visibility;
use kefu_domain::ticket::{Stage, Ticket};

use super::terms::terms_of;
use crate::StoreError;

/// How many entries one ticket's key range holds.
const ENTRIES_PER_TICKET: i64 = 1 << 32;
/// The highest position PostgreSQL records for a term.
const MAX_TSVECTOR_POSITION: usize = 16_383;

/// The lowest and highest key of a ticket's entries.
pub fn key_range(number: i64) -> Result<(i64, i64), StoreError> {
    let low = number
        .checked_mul(ENTRIES_PER_TICKET)
        .ok_or_else(|| StoreError::Corrupt(format!("ticket #{number} is beyond the index")))?;
    Ok((low, low + (ENTRIES_PER_TICKET - 1)))
}

/// The ticket number an entry key belongs to.
pub fn number_of(key: i64) -> i64 {
    key >> 32
}

/// The key of the entry at `position` on ticket `number`.
pub fn key_of(number: i64, position: u32) -> Result<i64, StoreError> {
    Ok(key_range(number)?.0 + i64::from(position))
}

/// One indexed text of a ticket: its subject, or one message (with the subject's terms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchEntry {
    /// Where the entry is: the ticket's number and the entry's position.
    pub key: i64,
    /// The message it indexes; `None` for the subject.
    pub message_id: Option<String>,
    /// Whether the requester may read it.
    pub public: bool,
    /// Terms of the ticket's subject.
    pub subject_terms: Vec<String>,
    /// Terms of the message.
    pub body_terms: Vec<String>,
    /// The ticket's team facet ([`team_facet`]).
    pub team: String,
    /// The ticket's stage facet ([`stage_facet`]).
    pub stage: String,
}

/// What a queue's filters say of every ticket in it, to narrow a search by in the index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facets {
    /// Every ticket is in this team ([`team_facet`]).
    pub team: Option<String>,
    /// Every ticket is at this stage ([`stage_facet`]).
    pub stage: Option<String>,
}

impl Facets {
    /// The facets given, team first.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.team.iter().chain(&self.stage).map(String::as_str)
    }
}

/// A term as indexed within the team of facet `team`.
pub fn team_term(team: &str, term: &str) -> String {
    format!("{team}_{term}")
}

/// The facet of tickets in `team` (or in none).
pub fn team_facet(team: Option<TeamId>) -> String {
    match team {
        Some(team) => format!("_team_{}", team.as_uuid().simple()),
        None => "_team_none".into(),
    }
}

/// The facet of tickets at `stage`.
pub fn stage_facet(stage: Stage) -> String {
    format!("_stage_{}", stage.as_str())
}

impl SearchEntry {
    /// The entry of a ticket's subject (position 0).
    pub fn subject(ticket: &Ticket) -> Result<Self, StoreError> {
        Ok(Self {
            key: key_of(ticket.number.get(), 0)?,
            message_id: None,
            public: true,
            subject_terms: terms_of([ticket.subject.as_str()]),
            body_terms: Vec::new(),
            team: team_facet(ticket.team),
            stage: stage_facet(ticket.stage),
        })
    }

    /// The entry of one message at `position` (1 and up) on `ticket`.
    pub fn message(
        ticket: &Ticket,
        position: u32,
        message_id: String,
        visibility: Visibility,
        body: &str,
    ) -> Result<Self, StoreError> {
        Ok(Self {
            key: key_of(ticket.number.get(), position)?,
            message_id: Some(message_id),
            public: visibility == Visibility::Public,
            subject_terms: terms_of([ticket.subject.as_str()]),
            body_terms: terms_of([body]),
            team: team_facet(ticket.team),
            stage: stage_facet(ticket.stage),
        })
    }

    /// The entries of a whole ticket: the subject, then its messages in order. The subject's
    /// terms and the facets are made once and shared by every entry.
    pub fn all_of(
        ticket: &Ticket,
        messages: &[(String, Visibility, String)],
    ) -> Result<Vec<Self>, StoreError> {
        let subject = Self::subject(ticket)?;
        let mut entries = Vec::with_capacity(messages.len() + 1);
        for (position, (id, visibility, body)) in (1u32..).zip(messages) {
            entries.push(Self {
                key: key_of(ticket.number.get(), position)?,
                message_id: Some(id.clone()),
                public: *visibility == Visibility::Public,
                subject_terms: subject.subject_terms.clone(),
                body_terms: terms_of([body.as_str()]),
                team: subject.team.clone(),
                stage: subject.stage.clone(),
            });
        }
        entries.insert(0, subject);
        Ok(entries)
    }

    /// The facets: team, then stage.
    pub fn facets(&self) -> [&str; 2] {
        [&self.team, &self.stage]
    }

    /// The subject's and the message's terms, each joined to the team's facet ([`team_term`]).
    pub fn team_terms(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.subject_terms
            .iter()
            .chain(&self.body_terms)
            .filter(|t| seen.insert(t.as_str()))
            .map(|t| team_term(&self.team, t))
            .collect()
    }

    /// The entry as a PostgreSQL `tsvector` literal: subject terms weighted `A`, each term at
    /// the position it was first seen, then the facets, then the terms joined to the team.
    pub(crate) fn tsvector(&self) -> String {
        let subject = self.subject_terms.iter().map(|t| (t.as_str(), "A"));
        let body = self.body_terms.iter().map(|t| (t.as_str(), ""));
        let facets = self.facets().into_iter().map(|t| (t, ""));
        let team_terms = self.team_terms();
        let team = team_terms.iter().map(|t| (t.as_str(), ""));
        subject
            .chain(body)
            .chain(facets)
            .chain(team)
            .enumerate()
            .map(|(i, (term, weight))| {
                let text = term.replace('\\', "\\\\").replace('\'', "\\'");
                format!("'{text}':{}{weight}", (i + 1).min(MAX_TSVECTOR_POSITION))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_a_tickets_entries_together() {
        let Ok((low, high)) = key_range(1042) else {
            panic!("a range");
        };
        assert_eq!(number_of(low), 1042);
        assert_eq!(number_of(high), 1042);
        assert_eq!(number_of(high + 1), 1043);
        assert!(key_range(i64::MAX / 2).is_err());
    }

    #[test]
    fn tsvectors_weigh_the_subject() {
        let entry = SearchEntry {
            key: 0,
            message_id: None,
            public: true,
            subject_terms: vec!["refund".into()],
            body_terms: vec!["refund".into(), "o'k".into()],
            team: team_facet(None),
            stage: stage_facet(Stage::InSale),
        };
        assert_eq!(
            entry.tsvector(),
            "'refund':1A 'refund':2 'o\\'k':3 '_team_none':4 '_stage_in_sale':5 \
             '_team_none_refund':6 '_team_none_o\\'k':7"
        );
        assert_eq!(entry.team_terms(), ["_team_none_refund", "_team_none_o'k"]);
    }
}
