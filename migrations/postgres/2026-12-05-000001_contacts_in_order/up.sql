-- A customer's first email address and first phone number, which every page of tickets shows
-- beside each requester, are read from the index alone, in the order they were added: no
-- sort and no row lookup per ticket.
CREATE INDEX customer_emails_customer_created ON customer_emails (customer_id, created_at, email);
DROP INDEX customer_emails_customer;
CREATE INDEX customer_phones_customer_created ON customer_phones (customer_id, created_at, phone);
