ALTER TABLE conversations DROP COLUMN visitor_here_until;
