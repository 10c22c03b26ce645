-- The email channel (SQLite). Kept in step with ../../postgres/ of the same name.

-- The addresses Kefu receives mail on. Each maps to a team and a stage (sales@ → Pre-sales,
-- orders@ → Orders, support@ → After-sales support), which new tickets from it get.
CREATE TABLE mailboxes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    address_key TEXT NOT NULL UNIQUE,
    team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
    stage TEXT NOT NULL CHECK (stage IN ('pre_sale', 'in_sale', 'after_sale')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- How a mailbox's mail is fetched over IMAP, and how far it has been read: the folder's
-- UIDVALIDITY and the last UID taken, so a poll asks only for what is new.
CREATE TABLE mailbox_imap (
    mailbox_id TEXT PRIMARY KEY REFERENCES mailboxes (id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security TEXT NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
    username TEXT NOT NULL,
    password TEXT NOT NULL,
    folder TEXT NOT NULL,
    after_fetch TEXT NOT NULL CHECK (after_fetch IN ('flag', 'move')),
    move_to TEXT,
    uid_validity BIGINT,
    last_uid BIGINT NOT NULL DEFAULT 0,
    checked_at TIMESTAMP,
    last_error TEXT
);

-- Files on messages, from chats and from mail (renamed from chat_files). Inline images of
-- HTML mail carry the Content-ID their body refers to.
ALTER TABLE chat_files RENAME TO message_files;
ALTER TABLE message_files ADD COLUMN content_id TEXT;
ALTER TABLE message_files ADD COLUMN inline BOOLEAN NOT NULL DEFAULT FALSE;

-- Each email on a ticket, received or sent: its Message-ID, addresses, subject, sanitised
-- HTML, quoted history, the raw message's SHA-256 in the files directory, and the rule that
-- attached it to its ticket.
CREATE TABLE email_messages (
    message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    mailbox_id TEXT NOT NULL REFERENCES mailboxes (id),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    header_id TEXT NOT NULL,
    from_address TEXT NOT NULL,
    from_name TEXT,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    thread_rule TEXT NOT NULL CHECK (thread_rule IN
        ('reply_address', 'headers', 'subject_tag', 'new_ticket', 'follow_up', 'moved', 'split', 'sent')),
    html TEXT,
    quoted TEXT,
    raw_sha256 TEXT,
    automatic TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_messages_header ON email_messages (header_id);
CREATE INDEX email_messages_ticket ON email_messages (ticket_id, created_at);
-- Mail delivered twice (same Message-ID, same mailbox) is taken once.
CREATE UNIQUE INDEX email_messages_received_once ON email_messages (mailbox_id, header_id)
    WHERE direction = 'inbound';

-- People copied on a ticket's mail, who receive replies and whose answers thread like the
-- requester's.
CREATE TABLE ticket_participants (
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    email_key TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, email_key)
);

-- What must leave Kefu, written in the same transaction as the change that caused it, and
-- delivered by the notify worker: claimed for a while, retried with backoff, marked sent or
-- failed for good.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('email')),
    ticket_id TEXT REFERENCES tickets (id) ON DELETE CASCADE,
    message_id TEXT REFERENCES messages (id) ON DELETE CASCADE,
    payload TEXT NOT NULL,
    automatic BOOLEAN NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_ticket ON outbox (ticket_id, created_at);
CREATE INDEX outbox_message ON outbox (message_id);

-- Addresses whose mail bounced for good: agents see it, and Kefu stops sending to them.
CREATE TABLE undeliverable_addresses (
    email_key TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    diagnostic TEXT,
    bounced_at TIMESTAMP NOT NULL
);

-- Mail that could not be taken (unreadable, no sender, too big, or a failure while storing
-- it), kept raw in the files directory until an admin retries or deletes it.
CREATE TABLE mail_quarantine (
    id TEXT PRIMARY KEY,
    mailbox_id TEXT REFERENCES mailboxes (id) ON DELETE SET NULL,
    source TEXT NOT NULL CHECK (source IN ('imap', 'http', 'pipe')),
    raw_sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    sender TEXT,
    subject TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    last_tried_at TIMESTAMP NOT NULL
);
CREATE INDEX mail_quarantine_created ON mail_quarantine (created_at, id);
