DROP INDEX customers_user;
CREATE INDEX customers_user ON customers (user_id);
DELETE FROM settings WHERE key = 'search_index';
DROP TABLE search_terms;
DROP TABLE search_entries;
CREATE VIRTUAL TABLE ticket_search USING fts5(
    all_doc,
    public_doc,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);
