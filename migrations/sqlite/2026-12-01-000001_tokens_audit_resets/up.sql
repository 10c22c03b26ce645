-- Personal API tokens, the audit log of security-relevant actions, and password-reset links.
-- Kept in step with the other backend's folder of the same name.

-- Named tokens for scripts and integrations; only a hash of each is stored.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'read_write')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

-- Who did what, when, from where. Actors and targets are copied by name as they were then.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    target_kind TEXT,
    target_id TEXT,
    target_label TEXT,
    ip TEXT,
    detail TEXT
);
CREATE INDEX audit_events_time ON audit_events (occurred_at, id);

-- Single-use links to set a new password; only a hash of each is stored.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Settings of the whole helpdesk that admins change at run time (the phone region).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A team's own phone line (E.164), offered as "our number" when its agents log calls, and
-- whether an agent's public reply to an unassigned ticket of the team assigns it to them.
ALTER TABLE teams ADD COLUMN phone_line TEXT;
ALTER TABLE teams ADD COLUMN assign_on_reply BOOLEAN NOT NULL DEFAULT TRUE;

-- Authentication finds the customer record a login speaks for in the same query as the
-- session; without this index that is a scan of every customer on every request.
CREATE INDEX customers_user ON customers (user_id);
