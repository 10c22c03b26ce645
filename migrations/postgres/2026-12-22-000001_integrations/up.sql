-- Integration webhooks (PostgreSQL). Kept in step with ../../sqlite/ of the same name. An admin
-- points Kefu at another system and chooses the events it hears of; its calls share the
-- vendors' delivery queue, so a delivery belongs to a vendor or to an integration.
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

ALTER TABLE webhook_deliveries ALTER COLUMN vendor_id DROP NOT NULL;
ALTER TABLE webhook_deliveries
    ADD COLUMN integration_id TEXT REFERENCES integrations (id) ON DELETE CASCADE;
-- The start of the receiver's last answer, for the delivery log.
ALTER TABLE webhook_deliveries ADD COLUMN last_response TEXT;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_one_receiver
    CHECK ((vendor_id IS NULL) <> (integration_id IS NULL));
CREATE INDEX webhook_deliveries_integration ON webhook_deliveries (integration_id, created_at);
