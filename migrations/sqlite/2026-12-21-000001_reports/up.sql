-- Reports (SQLite). Kept in step with ../../postgres/ of the same name. Reports sum the tickets
-- created, and those solved, in a period, for everyone or one team, walking these ranges.
CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX tickets_team_created ON tickets (team_id, created_at);
CREATE INDEX tickets_solved ON tickets (solved_at);
CREATE INDEX tickets_team_solved ON tickets (team_id, solved_at);
CREATE INDEX escalations_requested ON escalations (requested_at);
