-- How far each conversation's lines are indexed for search (PostgreSQL). Kept in step with
-- ../../sqlite/ of the same name. Lines sent over the gateway are indexed a moment after their
-- commit, several of a conversation at once; lines up to indexed_seq are in the index. A table
-- of its own, written only under the ticket's search-entry lock, so indexing never waits on a
-- conversation row that a group commit holds. Every line written before this migration was
-- indexed with its commit.
CREATE TABLE chat_index_cursors (
    ticket_id TEXT PRIMARY KEY REFERENCES conversations (ticket_id) ON DELETE CASCADE,
    indexed_seq BIGINT NOT NULL
);
INSERT INTO chat_index_cursors (ticket_id, indexed_seq)
SELECT ticket_id, last_seq FROM conversations;
