-- When each agent last looked at each ticket, so the queue can mark what changed since.
CREATE TABLE ticket_reads (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, ticket_id)
);
CREATE INDEX ticket_reads_ticket ON ticket_reads (ticket_id);
