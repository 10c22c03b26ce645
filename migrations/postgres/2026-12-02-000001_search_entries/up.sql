-- Search by entry: the subject of a ticket and each of its messages are indexed on their own,
-- so that a new message adds its terms without rebuilding the ticket's (kefu-store's
-- search::entry). An entry's key is the ticket's number times 2^32 plus its position, so a
-- ticket's entries are one range of the primary key. The terms, made by kefu-store's
-- tokenizer, hold the ticket's subject (weighted A), the message's body, and the ticket's facets
-- (`_team_…`, `_stage_…`, which no query word can spell).
DROP TABLE ticket_search;

CREATE TABLE search_entries (
    entry BIGINT PRIMARY KEY,
    message_id TEXT,
    public BOOLEAN NOT NULL,
    terms TSVECTOR NOT NULL
);
CREATE INDEX search_entries_terms ON search_entries USING GIN (terms);

-- Tickets already stored get their entries from `kefu search reindex`, which the server also
-- runs on its own when it finds this mark.
INSERT INTO settings (key, value, updated_at)
SELECT 'search_index', 'rebuild', now() WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (key) DO UPDATE SET value = 'rebuild';

-- Only customers who can sign in have a login; indexing the others' NULLs made SQLite's
-- statistics call the index useless, and authentication scanned every customer.
DROP INDEX customers_user;
CREATE INDEX customers_user ON customers (user_id) WHERE user_id IS NOT NULL;
