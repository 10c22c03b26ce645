DROP INDEX tickets_team_unassigned;
DROP TABLE assignment_turns;
DROP TABLE team_assignment;
DROP TABLE routing_rules;
