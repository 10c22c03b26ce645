ALTER TABLE conversations DROP COLUMN agent_read_up_to;
ALTER TABLE conversations DROP COLUMN visitor_read_up_to;
