DROP TABLE notification_settings;
DROP TABLE mail_templates;
ALTER TABLE mailboxes DROP COLUMN acknowledge;
DROP INDEX outbox_recipient;
ALTER TABLE outbox DROP COLUMN recipient;
ALTER TABLE customers DROP COLUMN locale;
