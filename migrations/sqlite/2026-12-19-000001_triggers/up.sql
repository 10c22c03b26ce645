-- Triggers and scheduled automations (SQLite). Kept in step with ../../postgres/ of the same
-- name. Conditions and actions are JSON (see kefu_domain::triggers).
CREATE TABLE triggers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    event TEXT NOT NULL,
    conditions TEXT NOT NULL,
    actions TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Each run of a trigger on a ticket. The key makes a scheduled run once per quiet spell (the
-- ticket's last activity) and an event's run once per event; the runs of the last hour cap
-- how often one ticket is acted on.
CREATE TABLE trigger_runs (
    trigger_id TEXT NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    run_key TEXT NOT NULL,
    ran_at TIMESTAMP NOT NULL,
    PRIMARY KEY (trigger_id, ticket_id, run_key)
);
CREATE INDEX trigger_runs_ticket ON trigger_runs (ticket_id, ran_at);
