-- Kefu's first schema (PostgreSQL). Kept in step with ../../sqlite/ of the same name.
-- Ids are UUIDv7 as text; enums are text with CHECK constraints; times are UTC.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'vendor', 'customer')),
    password_hash TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    locale TEXT,
    password_changed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_role_name ON users (role, name);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL
);
CREATE INDEX known_devices_user ON known_devices (user_id);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    allowance DOUBLE PRECISION NOT NULL,
    checked_at TIMESTAMP NOT NULL
);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organisation TEXT,
    user_id TEXT UNIQUE REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_name ON customers (name, id);

CREATE TABLE customer_emails (
    email_key TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_emails_customer ON customer_emails (customer_id);

CREATE TABLE customer_phones (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    phone TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (customer_id, phone)
);
CREATE INDEX customer_phones_phone ON customer_phones (phone);

CREATE SEQUENCE ticket_numbers START 1;

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('pre_sale', 'in_sale', 'after_sale')),
    channel TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'phone', 'web', 'api')),
    status TEXT NOT NULL
        CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    priority_rank SMALLINT NOT NULL CHECK (priority_rank BETWEEN 0 AND 3),
    requester_id TEXT NOT NULL REFERENCES customers (id),
    assignee_id TEXT REFERENCES users (id),
    team_id TEXT REFERENCES teams (id),
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    first_responded_at TIMESTAMP,
    solved_at TIMESTAMP
);
CREATE INDEX tickets_updated ON tickets (updated_at, id);
-- The queue's common shapes: a team's or an agent's tickets, optionally of one status (and
-- stage), newest update first. Single-value filters are equalities, so these are walked in order.
CREATE INDEX tickets_team_updated ON tickets (team_id, updated_at, id);
CREATE INDEX tickets_team_status_updated ON tickets (team_id, status, updated_at, id);
CREATE INDEX tickets_assignee_updated ON tickets (assignee_id, updated_at, id);
CREATE INDEX tickets_assignee_status_updated ON tickets (assignee_id, status, updated_at, id);
CREATE INDEX tickets_assignee_stage_status_updated
    ON tickets (assignee_id, stage, status, updated_at, id);
CREATE INDEX tickets_requester_updated ON tickets (requester_id, updated_at, id);
CREATE INDEX tickets_status_updated ON tickets (status, updated_at, id);
CREATE INDEX tickets_stage_updated ON tickets (stage, updated_at, id);
CREATE INDEX tickets_priority_updated ON tickets (priority_rank, updated_at, id);

CREATE TABLE ticket_tags (
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tag, ticket_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'note', 'call', 'event')),
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    author_kind TEXT NOT NULL CHECK (author_kind IN ('agent', 'customer', 'vendor', 'system')),
    author_user_id TEXT REFERENCES users (id),
    author_customer_id TEXT REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'phone', 'web', 'api')),
    body TEXT NOT NULL,
    data TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_ticket_created ON messages (ticket_id, created_at, id);

CREATE TABLE call_logs (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_number TEXT NOT NULL,
    to_number TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    duration_seconds INTEGER NOT NULL CHECK (duration_seconds BETWEEN 0 AND 86400),
    outcome TEXT NOT NULL
        CHECK (outcome IN ('answered', 'missed', 'voicemail', 'callback_requested')),
    notes TEXT,
    logged_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX call_logs_ticket ON call_logs (ticket_id, started_at);

-- Full-text search: one document of search terms per ticket, built by kefu-store's tokenizer
-- (words, and CJK unigrams and bigrams), so that Chinese text is found without a LIKE scan.
-- all_doc holds the subject and every message; public_doc what the requester can see.
CREATE TABLE ticket_search (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    all_doc TSVECTOR NOT NULL,
    public_doc TSVECTOR NOT NULL
);
CREATE INDEX ticket_search_all ON ticket_search USING GIN (all_doc);
