DROP TABLE webhook_deliveries;
ALTER TABLE vendor_users DROP COLUMN integration;
ALTER TABLE vendors DROP COLUMN webhook_private;
ALTER TABLE vendors DROP COLUMN webhook_secret;
ALTER TABLE vendors DROP COLUMN webhook_url;
