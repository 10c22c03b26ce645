-- A message a visitor left on the widget's offline form (a chat ticket that had no live
-- conversation): which visitor left it and where they were, shown to agents on the ticket.
CREATE TABLE chat_messages_left (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    context TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX chat_messages_left_visitor ON chat_messages_left (visitor_id, created_at);
