DROP INDEX customer_phones_customer_created;
CREATE INDEX customer_emails_customer ON customer_emails (customer_id);
DROP INDEX customer_emails_customer_created;
