-- Telephony (SQLite). Kept in step with ../../postgres/ of the same name. A PBX or cloud
-- telephony provider reports calls through a signed webhook; a missed call owes the customer a
-- call back, a service-level target of its own.

-- The call-back target of a policy, and its running window on a ticket's clock.
ALTER TABLE sla_policies ADD COLUMN call_back_minutes BIGINT;
ALTER TABLE ticket_slas ADD COLUMN call_back_minutes BIGINT;
ALTER TABLE ticket_slas ADD COLUMN call_back_since TIMESTAMP;
ALTER TABLE ticket_slas ADD COLUMN call_back_pause_base BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket_slas ADD COLUMN call_back_warn_at TIMESTAMP;
ALTER TABLE ticket_slas ADD COLUMN call_back_due_at TIMESTAMP;

-- The extension that rings on an agent's desk: where a call's screen pop goes.
CREATE TABLE agent_extensions (
    extension TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE
);

-- A call the provider reported, by its own id, on the caller's ticket.
CREATE TABLE phone_calls (
    id TEXT PRIMARY KEY,
    provider_call_id TEXT NOT NULL UNIQUE,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    from_number TEXT NOT NULL,
    to_number TEXT NOT NULL,
    extension TEXT,
    agent_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    state TEXT NOT NULL CHECK (state IN ('ringing', 'answered', 'ended', 'missed')),
    started_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    ended_at TIMESTAMP,
    duration_seconds INTEGER,
    recording_url TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX phone_calls_ticket ON phone_calls (ticket_id, started_at);

-- The events taken, by the provider's event id (a repeat changes nothing), with their
-- signatures (a replayed request is refused); kept two days.
CREATE TABLE telephony_events (
    event_id TEXT PRIMARY KEY,
    signature TEXT NOT NULL UNIQUE,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX telephony_events_received ON telephony_events (received_at);
