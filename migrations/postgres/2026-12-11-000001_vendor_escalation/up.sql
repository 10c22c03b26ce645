-- Vendor organisations, their users, escalations with their threads, what was shared with
-- them and the files they may read (PostgreSQL). Kept in step with ../../sqlite/ of the same name.

-- A company cases are escalated to. `contacts` and `coverage` are JSON arrays of text.
CREATE TABLE vendors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('isv', 'oem', 'supplier', 'logistics', 'service_partner')),
    contacts TEXT NOT NULL,
    coverage TEXT NOT NULL,
    acknowledge_minutes INTEGER NOT NULL,
    answer_minutes INTEGER NOT NULL,
    share_contact BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The organisation a vendor user works for: one each.
CREATE TABLE vendor_users (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    vendor_id TEXT NOT NULL REFERENCES vendors (id)
);
CREATE INDEX vendor_users_vendor ON vendor_users (vendor_id);

-- A case handed to a vendor. `contact` holds the customer's details as JSON when sharing
-- them was chosen. `due_at` is the next time the vendor is due to act (9999-12-31 when it is
-- not in their hands), kept so a queue reads next due first, overdue leading, in index order. Who escalated is
-- the author of the thread's first event; a closed or cancelled one ended at `updated_at`.
CREATE TABLE escalations (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    vendor_id TEXT NOT NULL REFERENCES vendors (id),
    status TEXT NOT NULL CHECK (status IN ('requested', 'acknowledged', 'in_progress',
        'info_requested', 'answered', 'returned', 'closed', 'cancelled')),
    subject TEXT NOT NULL,
    brief TEXT NOT NULL,
    contact TEXT,
    requested_at TIMESTAMP NOT NULL,
    acknowledge_by TIMESTAMP NOT NULL,
    answer_by TIMESTAMP NOT NULL,
    due_at TIMESTAMP,
    acknowledged_at TIMESTAMP,
    answered_at TIMESTAMP,
    returned_at TIMESTAMP,
    reopened INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- Seconds from the request to the first acknowledgement and answer, for the scorecard.
    acknowledge_seconds DOUBLE PRECISION GENERATED ALWAYS AS
        (EXTRACT(EPOCH FROM (acknowledged_at - requested_at))::DOUBLE PRECISION) STORED,
    answer_seconds DOUBLE PRECISION GENERATED ALWAYS AS
        (EXTRACT(EPOCH FROM (answered_at - requested_at))::DOUBLE PRECISION) STORED
);
CREATE INDEX escalations_ticket ON escalations (ticket_id, requested_at);
CREATE INDEX escalations_vendor_queue ON escalations (vendor_id, due_at, updated_at DESC, id DESC);
CREATE INDEX escalations_vendor_status ON escalations (vendor_id, status);
CREATE INDEX escalations_queue ON escalations (due_at, updated_at DESC, id DESC);
-- The scorecard's counts read this index alone.
CREATE INDEX escalations_scorecard ON escalations (vendor_id, requested_at, status,
    acknowledged_at, answered_at, answer_by, returned_at, reopened);
-- SQLite finds each vendor's percentiles by walking these in order; PostgreSQL has
-- percentile_disc, and keeps them so that both backends have one schema.
CREATE INDEX escalations_acknowledge_time ON escalations (vendor_id, acknowledge_seconds,
    requested_at, status);
CREATE INDEX escalations_answer_time ON escalations (vendor_id, answer_seconds, requested_at,
    status);

-- The thread of an escalation: replies between agent and vendor, notes among the vendor's
-- users, events, and the shared items (a redacted copy of a ticket message).
CREATE TABLE escalation_messages (
    id TEXT PRIMARY KEY,
    escalation_id TEXT NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'note', 'event', 'shared')),
    author_kind TEXT NOT NULL CHECK (author_kind IN ('agent', 'vendor', 'system')),
    author_user TEXT REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    data TEXT,
    source_message_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX escalation_messages_thread ON escalation_messages (escalation_id, created_at);

-- The files a vendor may read: shared from the ticket, or attached in the thread.
CREATE TABLE escalation_files (
    id TEXT PRIMARY KEY,
    escalation_id TEXT NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL REFERENCES escalation_messages (id) ON DELETE CASCADE,
    source_file_id TEXT,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX escalation_files_escalation ON escalation_files (escalation_id);

-- Mail notifications about escalations: agents hear when a vendor answers, asks, returns or
-- writes on their ticket; vendor users hear of new cases and of the business's replies.
ALTER TABLE notification_settings ADD COLUMN vendor_update BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE notification_settings ADD COLUMN escalation_new BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE notification_settings ADD COLUMN escalation_reply BOOLEAN NOT NULL DEFAULT TRUE;
