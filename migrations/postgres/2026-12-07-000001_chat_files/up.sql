-- Files sent in chats (PostgreSQL). Kept in step with ../../sqlite/ of the same name.
-- The bytes live outside the database, under the files directory, by their SHA-256; a row
-- says which message carries the file, what it is, and the key its links hold.
CREATE TABLE chat_files (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    name TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    thumbnail BOOLEAN NOT NULL,
    access_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX chat_files_message ON chat_files (message_id);
CREATE INDEX chat_files_ticket ON chat_files (ticket_id);
