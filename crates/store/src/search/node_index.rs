//! A node's own search index: the database's search entries in a tantivy index on the node's
//! disk, kept by following the journal of changes ([`super::journal`]).
//!
//! The database stays the source of truth. Every node serving searches keeps its own index in
//! its own directory: it builds it from `search_entries` when it has none (or one too old to
//! follow the journal from), and then applies each change by reading the changed range of
//! entries again. Before a search reads the index it applies the changes made final since,
//! so a search sees every write committed before it began, whichever node wrote it.
//!
//! The index answers what the database's own indexes cannot answer cheaply: which entries hold
//! every word of a query, newest first, within a team or stage. Each entry is a document with
//! its key (the ticket's number and the entry's position, see [`super::entry`]), its ticket's
//! number, whether it is public, the subject's terms, the message's terms (in a field for
//! public messages or one for internal notes, so a customer's search reads only the first),
//! and the facets. Only ids are kept; the texts stay in the database.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::columnar::Column;
use tantivy::directory::MmapDirectory;
use tantivy::indexer::LogMergePolicy;
use tantivy::query::{BooleanQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::query::{EnableScoring, Weight};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{
    DocId, DocSet, Index, IndexReader, IndexSettings, IndexSortByField, IndexWriter,
    Order as TantivyOrder, ReloadPolicy, Searcher, TERMINATED, TantivyDocument, Term,
};

use super::entry::{Facets, SearchEntry, key_range, number_of};
use super::journal::{self, Change, Cursor};
use super::query::{QueryTerm, SearchQuery};
use super::stored;
use crate::{DbConnection, StoreError};
use kefu_domain::permissions::SearchScope;

/// The version of what the index holds; a folder holding another version is emptied and the
/// index built again.
const VERSION: u32 = 2;
/// The largest segment merges make: merging bigger ones costs more memory than reads gain.
const MAX_DOCS_PER_MERGE: usize = 1_000_000;
/// Memory the writer may fill before it writes a segment (tantivy's least is 15 MB).
const WRITER_MEMORY: usize = 16 << 20;
/// Changes read from the journal at a time.
const CHANGES_PER_READ: i64 = 500;
/// How long the journal keeps changes; a node that has not read it for longer builds its
/// index again.
pub const JOURNAL_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// What the last commit of the index says of it.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    version: u32,
    cursor: Cursor,
    at: DateTime<Utc>,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    ticket: Field,
    public: Field,
    subject: Field,
    public_body: Field,
    internal_body: Field,
    team: Field,
    stage: Field,
}

/// The writing side, one at a time.
struct Writing {
    writer: IndexWriter,
    /// The last change applied.
    cursor: Cursor,
    /// When the journal was last read to its end.
    checked_at: DateTime<Utc>,
    /// When the last catch-up began: a search that began before it needs no other.
    started: Instant,
    /// Changes applied before they settled, not to be applied again when they do.
    early: HashSet<Cursor>,
}

/// A node's own search index.
pub struct NodeIndex {
    dir: PathBuf,
    reader: IndexReader,
    fields: Fields,
    /// Whether the index holds every entry (up to its cursor): until then searches use the
    /// database.
    built: AtomicBool,
    writing: Mutex<Writing>,
}

impl std::fmt::Debug for NodeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeIndex")
            .field("dir", &self.dir)
            .field("built", &self.is_built())
            .finish_non_exhaustive()
    }
}

/// Opens (or creates) the index with its documents kept in descending key order in every
/// segment, which newest-first reads rely on.
fn open_sorted(directory: MmapDirectory, schema: &Schema) -> tantivy::Result<Index> {
    let index = Index::builder()
        .schema(schema.clone())
        .settings(IndexSettings {
            sort_by_field: Some(IndexSortByField {
                field: "key".into(),
                order: TantivyOrder::Desc,
            }),
            ..IndexSettings::default()
        })
        .open_or_create(directory)?;
    let sorted = index
        .settings()
        .sort_by_field
        .as_ref()
        .is_some_and(|s| s.field == "key" && s.order == TantivyOrder::Desc);
    if sorted {
        Ok(index)
    } else {
        Err(tantivy::TantivyError::SchemaError(
            "the index is not sorted by key".into(),
        ))
    }
}

/// What the index's last commit says of it, if this version wrote it.
fn payload_of(index: &Index) -> Option<Payload> {
    index
        .load_metas()
        .ok()?
        .payload
        .and_then(|text| serde_json::from_str::<Payload>(&text).ok())
        .filter(|p| p.version == VERSION)
}

fn is_empty(index: &Index) -> bool {
    index
        .load_metas()
        .is_ok_and(|m| m.segments.is_empty() && m.payload.is_none())
}

fn failed(error: tantivy::TantivyError) -> StoreError {
    StoreError::SearchIndex(Box::new(error))
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let terms = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fields = Fields {
        key: builder.add_i64_field("key", INDEXED | FAST),
        ticket: builder.add_i64_field("ticket", INDEXED),
        public: builder.add_bool_field("public", FAST),
        subject: builder.add_text_field("subject", terms.clone()),
        public_body: builder.add_text_field("public_body", terms.clone()),
        internal_body: builder.add_text_field("internal_body", terms.clone()),
        team: builder.add_text_field("team", terms.clone()),
        stage: builder.add_text_field("stage", terms),
    };
    (builder.build(), fields)
}

fn tokens(terms: &[String]) -> PreTokenizedString {
    PreTokenizedString {
        text: String::new(),
        tokens: terms
            .iter()
            .enumerate()
            .map(|(position, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text: text.clone(),
                position_length: 1,
            })
            .collect(),
    }
}

impl NodeIndex {
    /// Opens the index in `dir`, creating it if there is none; one that another version wrote
    /// is emptied, to be built again.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::SearchIndex(format!("creating {}: {e}", dir.display()).into())
        })?;
        let (schema, fields) = schema();
        let directory = MmapDirectory::open(dir).map_err(|e| {
            StoreError::SearchIndex(format!("opening {}: {e}", dir.display()).into())
        })?;
        let index = match open_sorted(directory, &schema) {
            Ok(index) if payload_of(&index).is_some() || is_empty(&index) => index,
            // Another version's index, or one without the order this one reads by: start
            // afresh.
            Ok(_) | Err(tantivy::TantivyError::SchemaError(_)) => {
                std::fs::remove_dir_all(dir)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|e| {
                        StoreError::SearchIndex(format!("emptying {}: {e}", dir.display()).into())
                    })?;
                let directory = MmapDirectory::open(dir).map_err(|e| {
                    StoreError::SearchIndex(format!("opening {}: {e}", dir.display()).into())
                })?;
                open_sorted(directory, &schema).map_err(failed)?
            }
            Err(error) => return Err(failed(error)),
        };
        let payload = payload_of(&index);
        let writer: IndexWriter = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(failed)?;
        let mut merges = LogMergePolicy::default();
        merges.set_max_docs_before_merge(MAX_DOCS_PER_MERGE);
        writer.set_merge_policy(Box::new(merges));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(failed)?;
        let fresh = payload
            .as_ref()
            .is_some_and(|p| kefu_domain::time::now() - p.at < retention());
        Ok(Self {
            dir: dir.to_owned(),
            reader,
            fields,
            built: AtomicBool::new(fresh),
            writing: Mutex::new(Writing {
                writer,
                cursor: payload.as_ref().map(|p| p.cursor).unwrap_or_default(),
                checked_at: payload.map_or_else(kefu_domain::time::now, |p| p.at),
                started: Instant::now(),
                early: HashSet::new(),
            }),
        })
    }

    /// Where the index is.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the index holds every entry and searches can use it.
    pub fn is_built(&self) -> bool {
        self.built.load(Ordering::Acquire)
    }

    /// How many entries the index holds.
    pub fn entries(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn writing(&self) -> MutexGuard<'_, Writing> {
        self.writing.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts building the index from nothing: searches use the database until
    /// [`Self::finish_build`]. Returns the journal's head, from which it follows afterwards.
    pub fn start_build(&self, conn: &mut DbConnection) -> Result<Cursor, StoreError> {
        let head = journal::head(conn)?;
        self.built.store(false, Ordering::Release);
        let mut writing = self.writing();
        writing.writer.delete_all_documents().map_err(failed)?;
        writing.cursor = head;
        Ok(head)
    }

    /// Adds the entries of tickets numbered `first..=last` while building.
    pub fn build_tickets(
        &self,
        conn: &mut DbConnection,
        first: i64,
        last: i64,
    ) -> Result<usize, StoreError> {
        let entries = stored::of_tickets(conn, first, last)?;
        let writing = self.writing();
        for entry in &entries {
            writing
                .writer
                .add_document(self.document(entry))
                .map_err(failed)?;
        }
        Ok(entries.len())
    }

    /// Ends a build: commits what was added and lets searches use the index.
    pub fn finish_build(&self) -> Result<(), StoreError> {
        let mut writing = self.writing();
        let cursor = writing.cursor;
        self.commit(&mut writing, cursor)?;
        self.built.store(true, Ordering::Release);
        Ok(())
    }

    /// Applies the changes made final since the index last read the journal, and makes them
    /// searchable; returns how many it applied. Does nothing until the index is built.
    pub fn catch_up(&self, conn: &mut DbConnection) -> Result<usize, StoreError> {
        if !self.is_built() {
            return Ok(0);
        }
        let asked = Instant::now();
        let mut writing = self.writing();
        if writing.started > asked {
            // A catch-up that began after this call did all it would.
            return Ok(0);
        }
        writing.started = Instant::now();
        if kefu_domain::time::now() - writing.checked_at >= retention() {
            // The journal may have dropped changes this index never read.
            self.built.store(false, Ordering::Release);
            return Ok(0);
        }
        let mut cursor = writing.cursor;
        let mut read_from = cursor;
        let mut applied = 0;
        let mut ranges = HashSet::new();
        // Single entries (messages just added) are read back together at the end of the pass.
        let mut singles = Vec::new();
        loop {
            let changes = journal::after(conn, read_from, CHANGES_PER_READ)?;
            for change in &changes {
                let early = if change.settled {
                    let was_early = writing.early.remove(&change.cursor());
                    if cursor == read_from {
                        cursor = change.cursor();
                    }
                    was_early
                } else {
                    !writing.early.insert(change.cursor())
                };
                // A range applied once in this pass holds what the database holds now.
                let range = range_of(change)?;
                if !early && ranges.insert(range) {
                    if range.0 == range.1 {
                        singles.push(range.0);
                    } else {
                        self.apply(conn, &writing, range)?;
                    }
                    applied += 1;
                }
                read_from = change.cursor();
            }
            if (changes.len() as i64) < CHANGES_PER_READ {
                break;
            }
        }
        self.apply_entries(conn, &writing, &singles)?;
        if applied > 0 || cursor != writing.cursor {
            self.commit(&mut writing, cursor)?;
        }
        writing.checked_at = kefu_domain::time::now();
        Ok(applied)
    }

    /// Replaces the index's entries in keys `low..=high` (one entry, or whole tickets, see
    /// [`range_of`]) by those the database holds now.
    fn apply(
        &self,
        conn: &mut DbConnection,
        writing: &Writing,
        (low, high): (i64, i64),
    ) -> Result<(), StoreError> {
        if low == high {
            writing
                .writer
                .delete_term(Term::from_field_i64(self.fields.key, low));
        } else {
            for number in number_of(low)..=number_of(high) {
                writing
                    .writer
                    .delete_term(Term::from_field_i64(self.fields.ticket, number));
            }
        }
        for entry in stored::between(conn, low, high)? {
            writing
                .writer
                .add_document(self.document(&entry))
                .map_err(failed)?;
        }
        Ok(())
    }

    /// Replaces the index's entries with these keys by those the database holds now, read in
    /// one statement (an entry since removed is removed here too).
    fn apply_entries(
        &self,
        conn: &mut DbConnection,
        writing: &Writing,
        keys: &[i64],
    ) -> Result<(), StoreError> {
        for key in keys {
            writing
                .writer
                .delete_term(Term::from_field_i64(self.fields.key, *key));
        }
        for entry in stored::with_keys(conn, keys)? {
            writing
                .writer
                .add_document(self.document(&entry))
                .map_err(failed)?;
        }
        Ok(())
    }

    fn commit(&self, writing: &mut Writing, cursor: Cursor) -> Result<(), StoreError> {
        let payload = Payload {
            version: VERSION,
            cursor,
            at: kefu_domain::time::now(),
        };
        let text =
            serde_json::to_string(&payload).map_err(|e| StoreError::SearchIndex(Box::new(e)))?;
        let mut prepared = writing.writer.prepare_commit().map_err(failed)?;
        prepared.set_payload(&text);
        prepared.commit().map_err(failed)?;
        writing.cursor = cursor;
        writing.checked_at = payload.at;
        self.reader.reload().map_err(failed)?;
        Ok(())
    }

    fn document(&self, entry: &SearchEntry) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_i64(f.key, entry.key);
        doc.add_i64(f.ticket, number_of(entry.key));
        doc.add_bool(f.public, entry.public);
        doc.add_pre_tokenized_text(f.subject, tokens(&entry.subject_terms));
        let body = if entry.public {
            f.public_body
        } else {
            f.internal_body
        };
        doc.add_pre_tokenized_text(body, tokens(&entry.body_terms));
        doc.add_pre_tokenized_text(f.team, tokens(std::slice::from_ref(&entry.team)));
        doc.add_pre_tokenized_text(f.stage, tokens(std::slice::from_ref(&entry.stage)));
        doc
    }

    /// The query matching entries that hold every term (in the subject, or in a message the
    /// scope lets the searcher read) and every facet.
    fn query(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        facets: &Facets,
    ) -> Result<BooleanQuery, StoreError> {
        let f = self.fields;
        let fields: &[Field] = match scope {
            SearchScope::All => &[f.subject, f.public_body, f.internal_body],
            SearchScope::Public => &[f.subject, f.public_body],
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for term in query.terms() {
            let any_field = fields
                .iter()
                .map(|field| Ok((Occur::Should, term_query(*field, term)?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_field))));
        }
        let facet_fields = [(f.team, &facets.team), (f.stage, &facets.stage)];
        for (field, value) in facet_fields {
            if let Some(value) = value {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, value),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        Ok(BooleanQuery::new(clauses))
    }

    /// The index as it is now, and the query ready to match in each of its segments.
    fn weight(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        facets: &Facets,
    ) -> Result<(Searcher, Box<dyn Weight>), StoreError> {
        let searcher = self.reader.searcher();
        let weight = self
            .query(query, scope, facets)?
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .map_err(failed)?;
        Ok((searcher, weight))
    }

    /// The keys of the entries matching `query` within `facets`, if there are at most `limit`:
    /// it stops reading at the one past `limit`.
    pub fn matching(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        facets: &Facets,
        limit: usize,
    ) -> Result<Option<Vec<i64>>, StoreError> {
        let keys = self.read_down(query, scope, facets, i64::MAX, limit + 1)?;
        Ok((keys.len() <= limit).then_some(keys))
    }

    /// Up to `limit` keys of the entries matching `query` within `facets` below key `below`,
    /// from the highest down: the newest tickets' first.
    pub fn newest(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        facets: &Facets,
        below: i64,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        self.read_down(query, scope, facets, below, limit)
    }

    /// The highest `limit` keys below `below` of the entries matching `query`, from the highest
    /// down.
    ///
    /// Documents are in descending key order in each segment, and a segment's keys mostly span
    /// a range of their own (entries are added in ticket order; merges join neighbours), so
    /// the segments are read as one merged stream, highest key first, and a segment is opened
    /// only when its highest key could be next: newest first reads about `limit` matches,
    /// however many segments there are.
    fn read_down(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        facets: &Facets,
        below: i64,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        let (searcher, weight) = self.weight(query, scope, facets)?;
        let mut waiting = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().i64("key").map_err(failed)?;
            if segment.max_doc() == 0 || column.min_value() >= below {
                continue;
            }
            let highest = column.max_value().min(below.saturating_sub(1));
            waiting.push((highest, segment, column));
        }
        // Lowest first, so the next to open is at the end.
        waiting.sort_unstable_by_key(|(highest, _, _)| *highest);
        let mut open: std::collections::BinaryHeap<(i64, usize)> = Default::default();
        let mut cursors = Vec::new();
        let mut keys = Vec::new();
        while keys.len() < limit {
            // Open every segment that may hold a key above the best one open.
            while let Some((highest, _, _)) = waiting.last()
                && open.peek().is_none_or(|(key, _)| highest >= key)
            {
                let Some((_, segment, column)) = waiting.pop() else {
                    break;
                };
                let mut cursor = SegmentCursor {
                    scorer: weight.scorer(segment, 1.0).map_err(failed)?,
                    start: first_below(&column, segment.max_doc(), below),
                    alive: segment.alive_bitset(),
                    column,
                };
                if let Some(key) = cursor.first() {
                    open.push((key, cursors.len()));
                }
                cursors.push(cursor);
            }
            let Some((key, at)) = open.pop() else {
                break;
            };
            if keys.last() != Some(&key) {
                keys.push(key);
            }
            if let Some(next) = cursors[at].next() {
                open.push((next, at));
            }
        }
        Ok(keys)
    }

    /// Every entry of the tickets `numbers` matching `query`: its key and whether it is public.
    /// A ticket's entries are one run of documents in each segment (they are in key order),
    /// found by binary search and read with the query's matches skipped to it.
    pub fn entries_of(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        numbers: &[i64],
    ) -> Result<Vec<(i64, bool)>, StoreError> {
        self.read_tickets(query, scope, numbers, false)
    }

    /// Which of the tickets `numbers` have an entry matching `query` (for walking a queue in
    /// its own order).
    pub fn tickets_matching(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        numbers: &[i64],
    ) -> Result<HashSet<i64>, StoreError> {
        Ok(self
            .read_tickets(query, scope, numbers, true)?
            .into_iter()
            .map(|(key, _)| number_of(key))
            .collect())
    }

    /// The matching entries of the tickets `numbers` (only the first found of each ticket in
    /// each segment, with `first_only`).
    fn read_tickets(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        numbers: &[i64],
        first_only: bool,
    ) -> Result<Vec<(i64, bool)>, StoreError> {
        let mut ranges = numbers
            .iter()
            .map(|n| key_range(*n))
            .collect::<Result<Vec<_>, _>>()?;
        // Highest first, as the documents are.
        ranges.sort_unstable_by(|a, b| b.cmp(a));
        let (searcher, weight) = self.weight(query, scope, &Facets::default())?;
        let mut found = Vec::new();
        for segment in searcher.segment_readers() {
            let keys = segment.fast_fields().i64("key").map_err(failed)?;
            if segment.max_doc() == 0 {
                continue;
            }
            // A segment's keys mostly span a range of their own: most tickets are not in it.
            let (lowest, highest) = (keys.min_value(), keys.max_value());
            let within: Vec<&(i64, i64)> = ranges
                .iter()
                .filter(|(low, high)| *low <= highest && *high >= lowest)
                .collect();
            if within.is_empty() {
                continue;
            }
            let public = segment.fast_fields().bool("public").map_err(failed)?;
            let alive = segment.alive_bitset();
            let mut scorer = weight.scorer(segment, 1.0).map_err(failed)?;
            for (low, high) in within {
                let start = first_below(&keys, segment.max_doc(), high.saturating_add(1));
                let mut doc = scorer.doc();
                if doc < start {
                    doc = scorer.seek(start);
                }
                while doc != TERMINATED {
                    let Some(key) = keys.first(doc) else {
                        doc = scorer.advance();
                        continue;
                    };
                    if key < *low {
                        break;
                    }
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        found.push((key, public.first(doc).unwrap_or(false)));
                        if first_only {
                            break;
                        }
                    }
                    doc = scorer.advance();
                }
            }
        }
        Ok(found)
    }
}

/// A segment's matching entries read in its order (descending key) from a starting document.
struct SegmentCursor<'a> {
    scorer: Box<dyn tantivy::query::Scorer>,
    start: DocId,
    alive: Option<&'a tantivy::fastfield::AliveBitSet>,
    column: Column<i64>,
}

impl SegmentCursor<'_> {
    /// The key of the first live match at or after the start.
    fn first(&mut self) -> Option<i64> {
        let mut doc = self.scorer.doc();
        if doc < self.start {
            doc = self.scorer.seek(self.start);
        }
        self.live_from(doc)
    }

    /// The key of the next live match.
    fn next(&mut self) -> Option<i64> {
        let doc = self.scorer.advance();
        self.live_from(doc)
    }

    fn live_from(&mut self, mut doc: DocId) -> Option<i64> {
        while doc != TERMINATED {
            if self.alive.is_none_or(|a| a.is_alive(doc))
                && let Some(key) = self.column.first(doc)
            {
                return Some(key);
            }
            doc = self.scorer.advance();
        }
        None
    }
}

/// The keys a change is applied over: its one entry, or else its tickets' whole ranges.
fn range_of(change: &Change) -> Result<(i64, i64), StoreError> {
    if change.low == change.high {
        return Ok((change.low, change.high));
    }
    Ok((
        key_range(number_of(change.low))?.0,
        key_range(number_of(change.high))?.1,
    ))
}

fn retention() -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(JOURNAL_RETENTION).unwrap_or(chrono::TimeDelta::MAX)
}

fn term_query(field: Field, term: &QueryTerm) -> Result<Box<dyn Query>, StoreError> {
    if term.prefix {
        let pattern = format!("{}.*", escaped(&term.text));
        return Ok(Box::new(
            RegexQuery::from_pattern(&pattern, field).map_err(failed)?,
        ));
    }
    Ok(Box::new(TermQuery::new(
        Term::from_field_text(field, &term.text),
        IndexRecordOption::Basic,
    )))
}

/// `text` as a regular expression matching itself.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The first document of a segment whose key is below `below`: documents are in descending
/// key order, so a binary search over the key column finds it.
fn first_below(keys: &Column<i64>, max_doc: DocId, below: i64) -> DocId {
    let (mut low, mut high) = (0, max_doc);
    while low < high {
        let middle = low + (high - low) / 2;
        if keys.first(middle).is_some_and(|key| key >= below) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}
