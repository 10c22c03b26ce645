-- Satisfaction surveys (PostgreSQL). Kept in step with ../../sqlite/ of the same name. Each
-- rating keeps the ticket's agent, team, stage and channel as they were when it came, so
-- reports group by who was rated.
CREATE TABLE ratings (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    expectation TEXT,
    source TEXT NOT NULL,
    agent_id TEXT,
    team_id TEXT,
    stage TEXT NOT NULL,
    channel TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ratings_ticket ON ratings (ticket_id, created_at);
CREATE INDEX ratings_created ON ratings (created_at);
CREATE INDEX ratings_team_created ON ratings (team_id, created_at);
CREATE INDEX ratings_agent_created ON ratings (agent_id, created_at);

-- The single-use links mailed when a ticket is solved; only a hash of each token is kept.
CREATE TABLE survey_links (
    token_hash TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX survey_links_ticket ON survey_links (ticket_id);
