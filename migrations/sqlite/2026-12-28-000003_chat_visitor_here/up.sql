-- Until when a gateway node holds a socket of the visitor of a waiting or offered chat
-- (renewed every few seconds while one does): a chat whose visitor has been gone a while is
-- ended, so queues do not fill with visitors who left.
ALTER TABLE conversations ADD COLUMN visitor_here_until TIMESTAMP;
