CREATE TABLE webhook_deliveries_old (
    id TEXT PRIMARY KEY,
    vendor_id TEXT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
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
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO webhook_deliveries_old SELECT id, vendor_id, escalation_id, event, url, body, state,
    attempts, next_attempt_at, claimed_until, last_status, last_error, sent_at, created_at
FROM webhook_deliveries WHERE vendor_id IS NOT NULL;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_old RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_vendor ON webhook_deliveries (vendor_id, created_at);
DROP TABLE integrations;
