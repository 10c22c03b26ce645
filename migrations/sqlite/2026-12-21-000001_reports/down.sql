DROP INDEX escalations_requested;
DROP INDEX tickets_team_solved;
DROP INDEX tickets_solved;
DROP INDEX tickets_team_created;
DROP INDEX tickets_created;
