DELETE FROM webhook_deliveries WHERE vendor_id IS NULL;
DROP INDEX webhook_deliveries_integration;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_one_receiver;
ALTER TABLE webhook_deliveries DROP COLUMN last_response;
ALTER TABLE webhook_deliveries DROP COLUMN integration_id;
ALTER TABLE webhook_deliveries ALTER COLUMN vendor_id SET NOT NULL;
DROP TABLE integrations;
