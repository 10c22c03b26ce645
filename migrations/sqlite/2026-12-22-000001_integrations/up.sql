-- Integration webhooks (SQLite). Kept in step with ../../postgres/ of the same name. An admin
-- points Kefu at another system and chooses the events it hears of; its calls share the
-- vendors' delivery queue, so a delivery belongs to a vendor or to an integration (SQLite
-- cannot loosen a column, so the queue is rebuilt).
CREATE TABLE integrations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    -- The subscribed events, space-separated (`ticket.created message.created`).
    events TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    allow_private BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE webhook_deliveries_new (
    id TEXT PRIMARY KEY,
    vendor_id TEXT REFERENCES vendors (id) ON DELETE CASCADE,
    integration_id TEXT REFERENCES integrations (id) ON DELETE CASCADE,
    escalation_id TEXT REFERENCES escalations (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    -- The start of the receiver's last answer, for the delivery log.
    last_response TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK ((vendor_id IS NULL) <> (integration_id IS NULL))
);
INSERT INTO webhook_deliveries_new (id, vendor_id, escalation_id, event, url, body, state,
    attempts, next_attempt_at, claimed_until, last_status, last_error, sent_at, created_at)
SELECT id, vendor_id, escalation_id, event, url, body, state, attempts, next_attempt_at,
    claimed_until, last_status, last_error, sent_at, created_at
FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_vendor ON webhook_deliveries (vendor_id, created_at);
CREATE INDEX webhook_deliveries_integration ON webhook_deliveries (integration_id, created_at);
