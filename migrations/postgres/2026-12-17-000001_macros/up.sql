-- Macros and canned replies (PostgreSQL). Kept in step with ../../sqlite/ of the same name. A macro
-- with no owner is shared; `changes` is JSON (status, priority, team, assign, tags to add and
-- take off); `uses` orders the picker, most used first.
CREATE TABLE macros (
    id TEXT PRIMARY KEY,
    owner_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    shortcut TEXT,
    text_en TEXT,
    text_zh TEXT,
    changes TEXT NOT NULL,
    uses BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX macros_owner ON macros (owner_id);
