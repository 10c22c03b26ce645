DROP INDEX tickets_assignee_unsolved_updated;
DROP INDEX tickets_team_unsolved_updated;
DROP INDEX tickets_unsolved_updated;
ALTER TABLE tickets DROP COLUMN unsolved;
