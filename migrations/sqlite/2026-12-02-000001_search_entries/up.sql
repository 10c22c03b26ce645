-- Search by entry: the subject of a ticket and each of its messages are indexed on their own,
-- so that a new message adds its terms without rebuilding the ticket's (kefu-store's
-- search::entry). An entry's key is the ticket's number times 2^32 plus its position.
DROP TABLE ticket_search;

CREATE TABLE search_entries (
    entry INTEGER PRIMARY KEY,
    message_id TEXT,
    public BOOLEAN NOT NULL
);

-- The terms, made by kefu-store's tokenizer: the ticket's subject in every entry, the
-- message's body, the body again when the requester may read it, and the ticket's facets
-- (`_team_…`, `_stage_…`; `_` joins them into one token and no query word holds one).
CREATE VIRTUAL TABLE search_terms USING fts5(
    subject,
    body,
    public_body,
    facets,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);

-- Tickets already stored get their entries from `kefu search reindex`, which the server also
-- runs on its own when it finds this mark.
INSERT INTO settings (key, value, updated_at)
SELECT 'search_index', 'rebuild', CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (key) DO UPDATE SET value = 'rebuild';

-- Only customers who can sign in have a login; indexing the others' NULLs made SQLite's
-- statistics call the index useless, and authentication scanned every customer.
DROP INDEX customers_user;
CREATE INDEX customers_user ON customers (user_id) WHERE user_id IS NOT NULL;
