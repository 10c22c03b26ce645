DROP INDEX customers_user;
CREATE INDEX customers_user ON customers (user_id);
DELETE FROM settings WHERE key = 'search_index';
DROP TABLE search_entries;
CREATE TABLE ticket_search (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    all_doc TSVECTOR NOT NULL,
    public_doc TSVECTOR NOT NULL
);
CREATE INDEX ticket_search_all ON ticket_search USING GIN (all_doc);
