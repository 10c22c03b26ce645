-- How far each conversation's lines are indexed for search (SQLite). Kept in step with
-- ../../postgres/ of the same name. Lines sent over the gateway are indexed a moment after their
-- commit, several of a conversation at once; lines up to this number are in the index.
-- Every line written before this migration was indexed with its commit.
ALTER TABLE conversations ADD COLUMN indexed_seq BIGINT NOT NULL DEFAULT 0;
UPDATE conversations SET indexed_seq = last_seq;
