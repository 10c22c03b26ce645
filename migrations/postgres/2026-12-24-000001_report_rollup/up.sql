-- Reports read a per-day summary kept in step with the tickets and ratings instead of summing
-- a year of tickets for every request. Kept in step with ../../sqlite/ of the same name.
--
-- Every change to a ticket or a rating appends what it adds to the summary, and what it takes
-- away, to report_deltas (by the triggers below, so no way of changing a ticket is missed, and
-- busy writers append rows instead of queueing on a hot summary row). The notification role
-- folds the deltas into report_days every minute (kefu_store::reports::fold). A report sums
-- both tables, so it is exact between folds.

-- Whether a ticket runs under a service-level policy, and whether any of its targets
-- breached, kept on the ticket so that its report facts follow from its row alone.
ALTER TABLE tickets ADD COLUMN sla_tracked BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN sla_breached BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE tickets SET sla_tracked = TRUE WHERE id IN (SELECT ticket_id FROM ticket_slas);
UPDATE tickets SET sla_breached = TRUE
    WHERE id IN (SELECT ticket_id FROM sla_events WHERE kind = 'breach');

-- One row per UTC day, team, agent, stage and channel ('' for no team or no agent). Tickets
-- count on the day they were created (created, first responses, service levels, the open
-- ones among them) and on the day they were solved; ratings on the day they were given, with
-- the team, agent, stage and channel the ticket had then. Times are sums in milliseconds;
-- unsolved_opened_s sums the open tickets' creation times (Unix seconds) for the backlog's age.
CREATE TABLE report_days (
    day DATE NOT NULL,
    team_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    channel TEXT NOT NULL,
    created BIGINT NOT NULL,
    responded BIGINT NOT NULL,
    response_ms BIGINT NOT NULL,
    solved BIGINT NOT NULL,
    resolution_ms BIGINT NOT NULL,
    sla_tickets BIGINT NOT NULL,
    sla_breached BIGINT NOT NULL,
    unsolved BIGINT NOT NULL,
    unsolved_opened_s BIGINT NOT NULL,
    ratings BIGINT NOT NULL,
    rating_points BIGINT NOT NULL,
    satisfied BIGINT NOT NULL,
    expectations BIGINT NOT NULL,
    expectation_points BIGINT NOT NULL,
    PRIMARY KEY (day, team_id, agent_id, stage, channel)
);
CREATE INDEX report_days_team ON report_days (team_id, day);

-- Changes not yet folded into report_days, in its shape. Reports read it whole, and a fold
-- empties it: vacuumed after every few thousand rows folded, it shrinks back to the few pages
-- a minute of changes takes instead of keeping the size of its largest burst.
CREATE TABLE report_deltas (LIKE report_days)
    WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);

-- What a ticket adds to the summary (sign 1) or takes from it (sign -1). Neither function is
-- declared immutable: PostgreSQL 15 then inlines it and cannot plan the backfill below.
CREATE FUNCTION report_ticket_facts(t tickets, sign BIGINT) RETURNS SETOF report_deltas
LANGUAGE sql AS $$
    SELECT t.created_at::date, COALESCE(t.team_id, ''), COALESCE(t.assignee_id, ''),
        t.stage, t.channel,
        sign,
        sign * (t.first_responded_at IS NOT NULL)::int::bigint,
        sign * COALESCE((EXTRACT(EPOCH FROM (t.first_responded_at - t.created_at)) * 1000)::bigint, 0),
        0::bigint, 0::bigint,
        sign * t.sla_tracked::int::bigint,
        sign * (t.sla_tracked AND t.sla_breached)::int::bigint,
        sign * t.unsolved::int::bigint,
        sign * CASE WHEN t.unsolved THEN FLOOR(EXTRACT(EPOCH FROM t.created_at))::bigint ELSE 0 END,
        0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint
    UNION ALL
    SELECT t.solved_at::date, COALESCE(t.team_id, ''), COALESCE(t.assignee_id, ''),
        t.stage, t.channel,
        0::bigint, 0::bigint, 0::bigint,
        sign,
        sign * (EXTRACT(EPOCH FROM (t.solved_at - t.created_at)) * 1000)::bigint,
        0::bigint, 0::bigint, 0::bigint, 0::bigint,
        0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint
    WHERE t.solved_at IS NOT NULL
$$;

-- What a rating adds to the summary (sign 1) or takes from it (sign -1).
CREATE FUNCTION report_rating_facts(r ratings, sign BIGINT) RETURNS SETOF report_deltas
LANGUAGE sql AS $$
    SELECT r.created_at::date, COALESCE(r.team_id, ''), COALESCE(r.agent_id, ''),
        r.stage, r.channel,
        0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint,
        0::bigint, 0::bigint, 0::bigint, 0::bigint,
        sign,
        sign * r.score,
        sign * CASE WHEN r.score >= 4 THEN 1 ELSE 0 END,
        sign * CASE WHEN r.expectation IN ('worse', 'as_expected', 'better') THEN 1 ELSE 0 END,
        sign * CASE r.expectation WHEN 'worse' THEN -1 WHEN 'better' THEN 1 ELSE 0 END
$$;

CREATE FUNCTION report_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO report_deltas SELECT * FROM report_ticket_facts(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO report_deltas SELECT * FROM report_ticket_facts(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION report_rating_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO report_deltas SELECT * FROM report_rating_facts(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO report_deltas SELECT * FROM report_rating_facts(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER report_tickets_written AFTER INSERT OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION report_ticket_changed();
-- Most updates (a new message, a status between open and pending) change no fact.
CREATE TRIGGER report_tickets_updated AFTER UPDATE ON tickets FOR EACH ROW
    WHEN ((OLD.created_at, OLD.team_id, OLD.assignee_id, OLD.stage, OLD.channel,
           OLD.first_responded_at, OLD.solved_at, OLD.unsolved, OLD.sla_tracked, OLD.sla_breached)
          IS DISTINCT FROM
          (NEW.created_at, NEW.team_id, NEW.assignee_id, NEW.stage, NEW.channel,
           NEW.first_responded_at, NEW.solved_at, NEW.unsolved, NEW.sla_tracked, NEW.sla_breached))
    EXECUTE FUNCTION report_ticket_changed();
CREATE TRIGGER report_ratings_written AFTER INSERT OR UPDATE OR DELETE ON ratings
    FOR EACH ROW EXECUTE FUNCTION report_rating_changed();

-- A ticket's service-level flags follow its clock and its breach events, whichever is written
-- first (the clock's reference to its ticket is checked at commit).
CREATE FUNCTION tickets_sla_flags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sla_tracked := EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = NEW.id);
    NEW.sla_breached := EXISTS (
        SELECT 1 FROM sla_events e WHERE e.ticket_id = NEW.id AND e.kind = 'breach');
    RETURN NEW;
END
$$;
CREATE TRIGGER tickets_sla_flags BEFORE INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_sla_flags();

CREATE FUNCTION tickets_sla_flags_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ticket TEXT := CASE WHEN TG_OP = 'DELETE' THEN OLD.ticket_id ELSE NEW.ticket_id END;
BEGIN
    -- The ticket is locked before its flags are worked out, so a clock or breach written for
    -- it at the same time by another transaction is seen (each statement reads anew).
    PERFORM 1 FROM tickets WHERE id = ticket FOR UPDATE;
    UPDATE tickets SET
        sla_tracked = EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = ticket),
        sla_breached = EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = ticket AND e.kind = 'breach')
    WHERE id = ticket AND (sla_tracked, sla_breached) IS DISTINCT FROM (
        EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = ticket),
        EXISTS (SELECT 1 FROM sla_events e WHERE e.ticket_id = ticket AND e.kind = 'breach'));
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_sla_tracked AFTER INSERT OR DELETE ON ticket_slas
    FOR EACH ROW EXECUTE FUNCTION tickets_sla_flags_follow();
-- A breach only ever sets the flag, so the sweep's breaches are taken up once per statement,
-- for all their tickets at once; a ticket's newest row is checked again as it is updated.
CREATE FUNCTION tickets_sla_breaches_fired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets t SET sla_breached = TRUE
    FROM (SELECT DISTINCT ticket_id FROM fired WHERE kind = 'breach') b
    WHERE t.id = b.ticket_id AND NOT t.sla_breached;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_sla_breach_fired AFTER INSERT ON sla_events
    REFERENCING NEW TABLE AS fired
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_sla_breaches_fired();
CREATE TRIGGER tickets_sla_breach_removed AFTER DELETE ON sla_events
    FOR EACH ROW WHEN (OLD.kind = 'breach') EXECUTE FUNCTION tickets_sla_flags_follow();

-- The summary of what is already here.
INSERT INTO report_days
SELECT day, team_id, agent_id, stage, channel,
    SUM(created), SUM(responded), SUM(response_ms), SUM(solved), SUM(resolution_ms),
    SUM(sla_tickets), SUM(sla_breached), SUM(unsolved), SUM(unsolved_opened_s),
    SUM(ratings), SUM(rating_points), SUM(satisfied), SUM(expectations), SUM(expectation_points)
FROM (
    SELECT f.* FROM tickets t CROSS JOIN LATERAL report_ticket_facts(t, 1) f
    UNION ALL
    SELECT f.* FROM ratings r CROSS JOIN LATERAL report_rating_facts(r, 1) f
) facts
GROUP BY day, team_id, agent_id, stage, channel;

-- Reports no longer walk the tickets solved in a period, nor read the ticket columns the
-- creation indexes carried for them; the backlog's first day of the week walks only
-- (team_id, created_at).
DROP INDEX tickets_solved;
DROP INDEX tickets_team_solved;
DROP INDEX tickets_created;
DROP INDEX tickets_team_created;
CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX tickets_team_created ON tickets (team_id, created_at);
