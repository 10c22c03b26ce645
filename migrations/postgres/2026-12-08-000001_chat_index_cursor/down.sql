ALTER TABLE conversations DROP COLUMN indexed_seq;
