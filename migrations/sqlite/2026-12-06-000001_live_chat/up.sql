-- Live chat (SQLite). Kept in step with ../../postgres/ of the same name.

-- Each team's live-chat settings: whether visitors may start chats, how many chats one agent
-- serves at once, how long an agent who leaves keeps their chats, and the texts the widget
-- shows (greeting while open, offline text with the offline form), in both languages.
ALTER TABLE teams ADD COLUMN chat_open BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE teams ADD COLUMN chat_capacity INTEGER NOT NULL DEFAULT 3;
ALTER TABLE teams ADD COLUMN chat_grace_seconds INTEGER NOT NULL DEFAULT 60;
ALTER TABLE teams ADD COLUMN chat_greeting_en TEXT;
ALTER TABLE teams ADD COLUMN chat_greeting_zh TEXT;
ALTER TABLE teams ADD COLUMN chat_offline_en TEXT;
ALTER TABLE teams ADD COLUMN chat_offline_zh TEXT;

-- A chat widget embedded on the business's websites: where it may run (exact origins), how
-- it looks, and which team each stage's chats go to.
CREATE TABLE widgets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    origins TEXT NOT NULL,
    colour TEXT NOT NULL,
    position TEXT NOT NULL CHECK (position IN ('right', 'left')),
    greeting_en TEXT,
    greeting_zh TEXT,
    pre_sale_team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
    in_sale_team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
    after_sale_team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- An anonymous visitor of a widget: known by a key the browser keeps (only its hash is here),
-- which the widget trades for short-lived session tokens (hashes too).
CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    widget_id TEXT REFERENCES widgets (id) ON DELETE SET NULL,
    key_hash TEXT NOT NULL UNIQUE,
    customer_id TEXT REFERENCES customers (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX visitors_customer ON visitors (customer_id);

CREATE TABLE visitor_sessions (
    token_hash TEXT PRIMARY KEY,
    visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX visitor_sessions_visitor ON visitor_sessions (visitor_id);
CREATE INDEX visitor_sessions_expires ON visitor_sessions (expires_at);

-- Single-use tickets an agent's console trades its session for, to open a chat socket.
CREATE TABLE socket_tickets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX socket_tickets_expires ON socket_tickets (expires_at);

-- Whether each agent takes chats: their chosen presence, and until when some gateway node
-- holds a socket of theirs (renewed while connected, so a crashed node's agents lapse).
CREATE TABLE agent_presence (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    presence TEXT NOT NULL CHECK (presence IN ('online', 'away', 'offline')),
    changed_at TIMESTAMP NOT NULL,
    connected_until TIMESTAMP NOT NULL,
    idle_since TIMESTAMP NOT NULL
);

-- The live part of a chat ticket: which queue it waits in, who serves it, its sequence
-- counter, and the visitor's rating and context (page, language and browser, as JSON).
CREATE TABLE conversations (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'offered', 'serving', 'ended')),
    team_id TEXT NOT NULL REFERENCES teams (id),
    agent_id TEXT REFERENCES users (id),
    last_seq BIGINT NOT NULL DEFAULT 0,
    waiting_since TIMESTAMP NOT NULL,
    offered_at TIMESTAMP,
    served_at TIMESTAMP,
    ended_at TIMESTAMP,
    ended_by TEXT CHECK (ended_by IN ('visitor', 'agent', 'system')),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT,
    context TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX conversations_queue ON conversations (team_id, state, waiting_since);
CREATE INDEX conversations_agent ON conversations (agent_id, state);
CREATE INDEX conversations_visitor ON conversations (visitor_id, created_at);
CREATE INDEX conversations_team_served ON conversations (team_id, served_at);

-- Every line of a conversation in order: its gapless sequence number, the message it is on
-- the ticket, and the sender's own id for it, so a line sent again is stored once.
CREATE TABLE chat_lines (
    ticket_id TEXT NOT NULL REFERENCES conversations (ticket_id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    message_id TEXT NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    client_id TEXT,
    PRIMARY KEY (ticket_id, seq)
);
CREATE UNIQUE INDEX chat_lines_client ON chat_lines (ticket_id, client_id);
