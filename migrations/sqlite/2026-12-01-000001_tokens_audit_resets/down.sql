DROP INDEX customers_user;
ALTER TABLE teams DROP COLUMN assign_on_reply;
ALTER TABLE teams DROP COLUMN phone_line;
DROP TABLE settings;
DROP TABLE password_resets;
DROP TABLE audit_events;
DROP TABLE api_tokens;
