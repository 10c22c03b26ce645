DROP TABLE search_terms;
CREATE VIRTUAL TABLE search_terms USING fts5(
    subject,
    body,
    public_body,
    facets,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);
ALTER TABLE search_entries DROP COLUMN terms;
INSERT INTO settings (key, value, updated_at)
SELECT 'search_index', 'rebuild', CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (key) DO UPDATE SET value = 'rebuild';
