-- Routing rules and automatic assignment (PostgreSQL). Kept in step with ../../sqlite/ of the same
-- name. A rule's conditions and actions are JSON (see kefu_domain::routing); rules are tried by
-- position.
CREATE TABLE routing_rules (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    conditions TEXT NOT NULL,
    actions TEXT NOT NULL,
    stop BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- How each team hands out its new tickets; a team without a row assigns nothing.
CREATE TABLE team_assignment (
    team_id TEXT PRIMARY KEY REFERENCES teams (id) ON DELETE CASCADE,
    mode TEXT NOT NULL,
    capacities TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- When the team last gave each agent a ticket: round-robin gives the next one to whoever
-- waited longest.
CREATE TABLE assignment_turns (
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, user_id)
);

-- The team's unassigned tickets that need work, due soonest first: the backlog automatic
-- assignment hands out when an agent has room again.
CREATE INDEX tickets_team_unassigned ON tickets (team_id, sla_due_at, created_at, id)
    WHERE assignee_id IS NULL AND status IN ('new', 'open');
