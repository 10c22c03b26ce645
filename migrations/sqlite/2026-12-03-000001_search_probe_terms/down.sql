ALTER TABLE search_entries DROP COLUMN terms;
