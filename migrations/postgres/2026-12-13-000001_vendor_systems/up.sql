-- A vendor's own helpdesk: the signed webhook Kefu calls on each escalation event, the
-- deliveries waiting or made, and the account a vendor's API key acts as (PostgreSQL). Kept in
-- step with ../../sqlite/ of the same name.

-- Where the vendor's webhook is, the secret its calls are signed with, and whether an admin
-- allowed a private, loopback or link-local target.
ALTER TABLE vendors ADD COLUMN webhook_url TEXT;
ALTER TABLE vendors ADD COLUMN webhook_secret TEXT;
ALTER TABLE vendors ADD COLUMN webhook_private BOOLEAN NOT NULL DEFAULT FALSE;

-- The account a vendor's API key acts as: a vendor user no one signs in as.
ALTER TABLE vendor_users ADD COLUMN integration BOOLEAN NOT NULL DEFAULT FALSE;

-- One call of a vendor's webhook: claimed by a worker for a while, tried again with backoff.
CREATE TABLE webhook_deliveries (
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
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_vendor ON webhook_deliveries (vendor_id, created_at);
