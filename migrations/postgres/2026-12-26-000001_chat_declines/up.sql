-- Who declined a chat offered to them: the router never offers that chat to them again (they
-- can still take it from the queue), so a lone agent's decline is not undone a second later.
CREATE TABLE chat_declines (
    ticket_id TEXT NOT NULL REFERENCES conversations (ticket_id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    declined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, agent_id)
);
