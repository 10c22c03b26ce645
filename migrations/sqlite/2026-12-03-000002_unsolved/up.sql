-- Whether a ticket still needs work (kefu-domain's Status::UNSOLVED), computed from its status,
-- so that the unsolved queues (a team's, an agent's, everyone's) walk one index range in their
-- order instead of four statuses' ranges, or every status's rows. The indexes end with the
-- ticket's number, which a search probes each walked ticket by, so only matches are read whole.
ALTER TABLE tickets ADD COLUMN unsolved BOOLEAN NOT NULL
    GENERATED ALWAYS AS (status IN ('new', 'open', 'pending', 'on_hold')) VIRTUAL;
CREATE INDEX tickets_unsolved_updated ON tickets (unsolved, updated_at, id, number);
CREATE INDEX tickets_team_unsolved_updated ON tickets (team_id, unsolved, updated_at, id, number);
CREATE INDEX tickets_assignee_unsolved_updated ON tickets (assignee_id, unsolved, updated_at, id, number);

-- The planner needs to know how many tickets each new index narrows to, or it would walk a
-- team's whole unsolved queue to find a handful of tickets by number.
ANALYZE tickets;
