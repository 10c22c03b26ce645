-- The worker claims the mails due first, oldest first and by id among equals: with the id in the
-- index, a claim reads the few rows it takes, not every due mail (a backlog of thousands, after
-- an SMTP outage, was sorted whole on every claim).
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
