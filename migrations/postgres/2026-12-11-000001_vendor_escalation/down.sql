ALTER TABLE notification_settings DROP COLUMN escalation_reply;
ALTER TABLE notification_settings DROP COLUMN escalation_new;
ALTER TABLE notification_settings DROP COLUMN vendor_update;
DROP TABLE escalation_files;
DROP TABLE escalation_messages;
DROP TABLE escalations;
DROP TABLE vendor_users;
DROP TABLE vendors;
