-- Reports read a per-day summary kept in step with the tickets and ratings instead of summing
-- a year of tickets for every request. Kept in step with ../../postgres/ of the same name,
-- which explains the tables; SQLite has no functions, so a ticket's and a rating's facts are
-- views, read by the triggers before a row changes (what it takes away) and after (what it adds).

ALTER TABLE tickets ADD COLUMN sla_tracked BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_breached BOOLEAN NOT NULL DEFAULT 0;
UPDATE tickets SET sla_tracked = 1 WHERE id IN (SELECT ticket_id FROM ticket_slas);
UPDATE tickets SET sla_breached = 1
    WHERE id IN (SELECT ticket_id FROM sla_events WHERE kind = 'breach');

CREATE TABLE report_days (
    day TEXT NOT NULL,
    team_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    channel TEXT NOT NULL,
    created INTEGER NOT NULL,
    responded INTEGER NOT NULL,
    response_ms INTEGER NOT NULL,
    solved INTEGER NOT NULL,
    resolution_ms INTEGER NOT NULL,
    sla_tickets INTEGER NOT NULL,
    sla_breached INTEGER NOT NULL,
    unsolved INTEGER NOT NULL,
    unsolved_opened_s INTEGER NOT NULL,
    ratings INTEGER NOT NULL,
    rating_points INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    expectations INTEGER NOT NULL,
    expectation_points INTEGER NOT NULL,
    PRIMARY KEY (day, team_id, agent_id, stage, channel)
);
CREATE INDEX report_days_team ON report_days (team_id, day);

CREATE TABLE report_deltas (
    day TEXT NOT NULL,
    team_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    channel TEXT NOT NULL,
    created INTEGER NOT NULL,
    responded INTEGER NOT NULL,
    response_ms INTEGER NOT NULL,
    solved INTEGER NOT NULL,
    resolution_ms INTEGER NOT NULL,
    sla_tickets INTEGER NOT NULL,
    sla_breached INTEGER NOT NULL,
    unsolved INTEGER NOT NULL,
    unsolved_opened_s INTEGER NOT NULL,
    ratings INTEGER NOT NULL,
    rating_points INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    expectations INTEGER NOT NULL,
    expectation_points INTEGER NOT NULL
);

-- What each ticket adds to the summary.
CREATE VIEW report_ticket_facts AS
SELECT id AS ticket_id, date(created_at) AS day, COALESCE(team_id, '') AS team_id,
    COALESCE(assignee_id, '') AS agent_id, stage, channel,
    1 AS created,
    first_responded_at IS NOT NULL AS responded,
    COALESCE(CAST(ROUND((julianday(first_responded_at) - julianday(created_at)) * 86400000.0)
        AS INTEGER), 0) AS response_ms,
    0 AS solved, 0 AS resolution_ms,
    sla_tracked AS sla_tickets,
    sla_tracked AND sla_breached AS sla_breached,
    unsolved AS unsolved,
    CASE WHEN unsolved THEN CAST(strftime('%s', created_at) AS INTEGER) ELSE 0 END
        AS unsolved_opened_s,
    0 AS ratings, 0 AS rating_points, 0 AS satisfied, 0 AS expectations, 0 AS expectation_points
FROM tickets
UNION ALL
SELECT id, date(solved_at), COALESCE(team_id, ''), COALESCE(assignee_id, ''), stage, channel,
    0, 0, 0,
    1,
    CAST(ROUND((julianday(solved_at) - julianday(created_at)) * 86400000.0) AS INTEGER),
    0, 0, 0, 0,
    0, 0, 0, 0, 0
FROM tickets WHERE solved_at IS NOT NULL;

-- What each rating adds to the summary.
CREATE VIEW report_rating_facts AS
SELECT id AS rating_id, date(created_at) AS day, COALESCE(team_id, '') AS team_id,
    COALESCE(agent_id, '') AS agent_id, stage, channel,
    0 AS created, 0 AS responded, 0 AS response_ms, 0 AS solved, 0 AS resolution_ms,
    0 AS sla_tickets, 0 AS sla_breached, 0 AS unsolved, 0 AS unsolved_opened_s,
    1 AS ratings,
    score AS rating_points,
    CASE WHEN score >= 4 THEN 1 ELSE 0 END AS satisfied,
    CASE WHEN expectation IN ('worse', 'as_expected', 'better') THEN 1 ELSE 0 END AS expectations,
    CASE expectation WHEN 'worse' THEN -1 WHEN 'better' THEN 1 ELSE 0 END AS expectation_points
FROM ratings;

-- A new ticket adds its facts, then takes up its service-level flags from a clock or breach
-- written before it (the clock's reference to its ticket is checked at commit); that update
-- moves the facts again through the triggers below.
CREATE TRIGGER report_tickets_inserted AFTER INSERT ON tickets BEGIN
    INSERT INTO report_deltas (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
        SELECT day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points FROM report_ticket_facts WHERE ticket_id = NEW.id;
    UPDATE tickets SET
        sla_tracked = EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id),
        sla_breached = EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach')
    WHERE id = NEW.id AND (
        sla_tracked <> EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id)
        OR sla_breached <> EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach'));
END;
-- Most updates (a new message, a status between open and pending) change no fact. Whether the
-- status is unsolved stands for `unsolved`, which SQLite computes only after a BEFORE trigger;
-- `UPDATE OR REPLACE` and `OR IGNORE` are never used on tickets.
CREATE TRIGGER report_tickets_updating BEFORE UPDATE ON tickets WHEN OLD.created_at IS NOT NEW.created_at OR OLD.team_id IS NOT NEW.team_id
    OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.stage IS NOT NEW.stage
    OR OLD.channel IS NOT NEW.channel OR OLD.first_responded_at IS NOT NEW.first_responded_at
    OR OLD.solved_at IS NOT NEW.solved_at
    OR (OLD.status IN ('new', 'open', 'pending', 'on_hold'))
        IS NOT (NEW.status IN ('new', 'open', 'pending', 'on_hold'))
    OR OLD.sla_tracked IS NOT NEW.sla_tracked OR OLD.sla_breached IS NOT NEW.sla_breached
BEGIN
    INSERT INTO report_deltas (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
        SELECT day, team_id, agent_id, stage, channel, -created, -responded, -response_ms, -solved, -resolution_ms, -sla_tickets, -sla_breached, -unsolved, -unsolved_opened_s, -ratings, -rating_points, -satisfied, -expectations, -expectation_points FROM report_ticket_facts WHERE ticket_id = OLD.id;
END;
CREATE TRIGGER report_tickets_updated AFTER UPDATE ON tickets WHEN OLD.created_at IS NOT NEW.created_at OR OLD.team_id IS NOT NEW.team_id
    OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.stage IS NOT NEW.stage
    OR OLD.channel IS NOT NEW.channel OR OLD.first_responded_at IS NOT NEW.first_responded_at
    OR OLD.solved_at IS NOT NEW.solved_at
    OR (OLD.status IN ('new', 'open', 'pending', 'on_hold'))
        IS NOT (NEW.status IN ('new', 'open', 'pending', 'on_hold'))
    OR OLD.sla_tracked IS NOT NEW.sla_tracked OR OLD.sla_breached IS NOT NEW.sla_breached
BEGIN
    INSERT INTO report_deltas (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
        SELECT day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points FROM report_ticket_facts WHERE ticket_id = NEW.id;
END;
CREATE TRIGGER report_tickets_deleting BEFORE DELETE ON tickets BEGIN
    INSERT INTO report_deltas (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
        SELECT day, team_id, agent_id, stage, channel, -created, -responded, -response_ms, -solved, -resolution_ms, -sla_tickets, -sla_breached, -unsolved, -unsolved_opened_s, -ratings, -rating_points, -satisfied, -expectations, -expectation_points FROM report_ticket_facts WHERE ticket_id = OLD.id;
END;

CREATE TRIGGER report_ratings_inserted AFTER INSERT ON ratings BEGIN
    INSERT INTO report_deltas (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
        SELECT day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points FROM report_rating_facts WHERE rating_id = NEW.id;
END;
CREATE TRIGGER report_ratings_updating BEFORE UPDATE ON ratings BEGIN
    INSERT INTO report_deltas (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
        SELECT day, team_id, agent_id, stage, channel, -created, -responded, -response_ms, -solved, -resolution_ms, -sla_tickets, -sla_breached, -unsolved, -unsolved_opened_s, -ratings, -rating_points, -satisfied, -expectations, -expectation_points FROM report_rating_facts WHERE rating_id = OLD.id;
END;
CREATE TRIGGER report_ratings_updated AFTER UPDATE ON ratings BEGIN
    INSERT INTO report_deltas (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
        SELECT day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points FROM report_rating_facts WHERE rating_id = NEW.id;
END;
CREATE TRIGGER report_ratings_deleting BEFORE DELETE ON ratings BEGIN
    INSERT INTO report_deltas (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
        SELECT day, team_id, agent_id, stage, channel, -created, -responded, -response_ms, -solved, -resolution_ms, -sla_tickets, -sla_breached, -unsolved, -unsolved_opened_s, -ratings, -rating_points, -satisfied, -expectations, -expectation_points FROM report_rating_facts WHERE rating_id = OLD.id;
END;

-- A ticket's service-level flags follow its clock and its breach events.
CREATE TRIGGER tickets_sla_tracked AFTER INSERT ON ticket_slas BEGIN
    UPDATE tickets SET
        sla_tracked = EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id),
        sla_breached = EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach')
    WHERE id = NEW.ticket_id AND (
        sla_tracked <> EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id)
        OR sla_breached <> EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach'));
END;
CREATE TRIGGER tickets_sla_untracked AFTER DELETE ON ticket_slas BEGIN
    UPDATE tickets SET
        sla_tracked = EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id),
        sla_breached = EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach')
    WHERE id = OLD.ticket_id AND (
        sla_tracked <> EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id)
        OR sla_breached <> EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach'));
END;
CREATE TRIGGER tickets_sla_breach_fired AFTER INSERT ON sla_events WHEN NEW.kind = 'breach' BEGIN
    UPDATE tickets SET
        sla_tracked = EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id),
        sla_breached = EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach')
    WHERE id = NEW.ticket_id AND (
        sla_tracked <> EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id)
        OR sla_breached <> EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach'));
END;
CREATE TRIGGER tickets_sla_breach_removed AFTER DELETE ON sla_events WHEN OLD.kind = 'breach' BEGIN
    UPDATE tickets SET
        sla_tracked = EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id),
        sla_breached = EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach')
    WHERE id = OLD.ticket_id AND (
        sla_tracked <> EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id)
        OR sla_breached <> EXISTS (
            SELECT 1 FROM sla_events e WHERE e.ticket_id = tickets.id AND e.kind = 'breach'));
END;

-- The summary of what is already here.
INSERT INTO report_days (day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points)
SELECT day, team_id, agent_id, stage, channel,
    SUM(created), SUM(responded), SUM(response_ms), SUM(solved), SUM(resolution_ms), SUM(sla_tickets), SUM(sla_breached), SUM(unsolved), SUM(unsolved_opened_s), SUM(ratings), SUM(rating_points), SUM(satisfied), SUM(expectations), SUM(expectation_points)
FROM (
    SELECT day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points FROM report_ticket_facts
    UNION ALL
    SELECT day, team_id, agent_id, stage, channel, created, responded, response_ms, solved, resolution_ms, sla_tickets, sla_breached, unsolved, unsolved_opened_s, ratings, rating_points, satisfied, expectations, expectation_points FROM report_rating_facts
) facts
GROUP BY day, team_id, agent_id, stage, channel;

-- Reports no longer walk the tickets solved in a period.
DROP INDEX tickets_solved;
DROP INDEX tickets_team_solved;
