-- Service levels (PostgreSQL). Kept in step with ../../sqlite/ of the same name.

-- Business calendars: a time zone, weekly hours (JSON: seven lists of {start, end} minutes,
-- Monday first) and dated holidays and working days (JSON: [{date, name, hours}]).
CREATE TABLE calendars (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    week TEXT NOT NULL,
    exceptions TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- SLA policies, tried in position order; the scope (JSON: stages, priorities, channels,
-- teams; empty lists mean any) says which tickets each covers.
CREATE TABLE sla_policies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    calendar_id TEXT NOT NULL REFERENCES calendars (id),
    scope TEXT NOT NULL,
    first_response_minutes BIGINT,
    next_response_minutes BIGINT,
    resolution_minutes BIGINT,
    warn_percent SMALLINT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Each ticket's clock under its policy (with the policy's calendar and targets as they were
-- when the ticket came under it): pauses, the wait for a next response, and every running
-- target's warning and due time. alert_at is the next of those instants still to
-- fire (9999-12-31 when none), so the sweep reads one index range.
-- The clock is written with its new ticket, before the ticket's row: the key is checked at
-- commit.
CREATE TABLE ticket_slas (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    policy_id TEXT NOT NULL REFERENCES sla_policies (id),
    calendar_id TEXT NOT NULL REFERENCES calendars (id),
    first_response_minutes BIGINT,
    next_response_minutes BIGINT,
    resolution_minutes BIGINT,
    warn_percent SMALLINT NOT NULL,
    awaiting_since TIMESTAMP,
    awaiting_pause_base BIGINT NOT NULL,
    paused_at TIMESTAMP,
    paused_seconds BIGINT NOT NULL,
    first_response_warn_at TIMESTAMP,
    first_response_due_at TIMESTAMP,
    next_response_warn_at TIMESTAMP,
    next_response_due_at TIMESTAMP,
    resolution_warn_at TIMESTAMP,
    resolution_due_at TIMESTAMP,
    alert_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_slas_alert ON ticket_slas (alert_at);
CREATE INDEX ticket_slas_policy ON ticket_slas (policy_id);

-- Near breaches and breaches, each fired once per target and due time whichever node
-- sweeps: the key refuses the second.
CREATE TABLE sla_events (
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    policy_id TEXT NOT NULL,
    fired_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, target, kind, due_at)
);
CREATE INDEX sla_events_fired ON sla_events (fired_at);

-- The soonest running due time on the ticket itself (9999-12-31 when no clock runs), so the
-- "due soonest" and "breached" queues walk the same indexes as the other unsolved queues.
ALTER TABLE tickets ADD COLUMN sla_due_at TIMESTAMP NOT NULL DEFAULT '9999-12-31 00:00:00';
CREATE INDEX tickets_unsolved_sla_due ON tickets (unsolved, sla_due_at, id);
CREATE INDEX tickets_team_unsolved_sla_due ON tickets (team_id, unsolved, sla_due_at, id);
CREATE INDEX tickets_assignee_unsolved_sla_due ON tickets (assignee_id, unsolved, sla_due_at, id);
