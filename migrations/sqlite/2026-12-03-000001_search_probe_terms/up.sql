-- Each entry keeps its own terms beside the FTS5 index: the subject's on entry 0, the message's
-- on the others (kefu-store's search::index). A search walking a queue asks each ticket whether
-- it matches by reading these few rows under its key, which costs the same however many
-- segments the FTS5 index has grown since it was last merged.
ALTER TABLE search_entries ADD COLUMN terms TEXT NOT NULL DEFAULT '';

-- The FTS5 index gains `team_terms`: every term of the entry joined to its ticket's team facet
-- (`_team_…_refund`), so a search within one team reads one list of entries instead of
-- intersecting a word's list with the team's (a third of the index).
DROP TABLE search_terms;
CREATE VIRTUAL TABLE search_terms USING fts5(
    subject,
    body,
    public_body,
    facets,
    team_terms,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);

-- Entries written before hold no terms here: `kefu search reindex` (or the server, finding this
-- mark) writes them again.
INSERT INTO settings (key, value, updated_at)
SELECT 'search_index', 'rebuild', CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (key) DO UPDATE SET value = 'rebuild';
