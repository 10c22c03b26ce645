-- How far each side of a chat has read (the last line's number it saw): kept so that a side
-- that reloads or reconnects is shown the other's read marks again, not "delivered".
ALTER TABLE conversations ADD COLUMN visitor_read_up_to BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN agent_read_up_to BIGINT NOT NULL DEFAULT 0;
