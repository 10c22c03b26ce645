DROP INDEX tickets_assignee_unsolved_sla_due;
DROP INDEX tickets_team_unsolved_sla_due;
DROP INDEX tickets_unsolved_sla_due;
ALTER TABLE tickets DROP COLUMN sla_due_at;
DROP TABLE sla_events;
DROP TABLE ticket_slas;
DROP TABLE sla_policies;
DROP TABLE calendars;
