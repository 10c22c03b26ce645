-- Mail templates, the language of customers, per-mailbox acknowledgements and agents' mail
-- notification settings (SQLite). Kept in step with ../../postgres/ of the same name.

-- The language mail to a customer is written in (`en`, `zh-CN`); unknown until they write.
ALTER TABLE customers ADD COLUMN locale TEXT;

-- Whether a new ticket from the mailbox gets an automatic acknowledgement.
ALTER TABLE mailboxes ADD COLUMN acknowledge BOOLEAN NOT NULL DEFAULT TRUE;

-- The address an outbox mail is for (its lookup key), so automatic mail to one address can
-- be capped whichever ticket it is about.
ALTER TABLE outbox ADD COLUMN recipient TEXT;
CREATE INDEX outbox_recipient ON outbox (recipient, created_at);

-- Templates an admin changed; a kind and language without a row uses the one Kefu ships.
CREATE TABLE mail_templates (
    kind TEXT NOT NULL,
    locale TEXT NOT NULL CHECK (locale IN ('en', 'zh-CN')),
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    updated_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, locale)
);

-- Which mail notifications an agent wants; an agent without a row gets every one.
CREATE TABLE notification_settings (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    assigned BOOLEAN NOT NULL,
    customer_replied BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
