-- Mail between Kefu and a vendor who works by mail, each tied to its escalation (PostgreSQL).
-- Kept in step with ../../sqlite/ of the same name. Outbound rows let a vendor's reply thread
-- by its In-Reply-To; inbound rows keep where a mail came from and which rule threaded it,
-- and stop the same mail from being taken twice.
CREATE TABLE escalation_emails (
    id TEXT PRIMARY KEY,
    escalation_id TEXT NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
    entry_id TEXT REFERENCES escalation_messages (id) ON DELETE CASCADE,
    inbound BOOLEAN NOT NULL,
    header_id TEXT NOT NULL,
    from_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    thread_rule TEXT NOT NULL,
    automatic TEXT,
    raw_sha256 TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX escalation_emails_header ON escalation_emails (header_id, inbound);
CREATE INDEX escalation_emails_escalation ON escalation_emails (escalation_id, created_at);
