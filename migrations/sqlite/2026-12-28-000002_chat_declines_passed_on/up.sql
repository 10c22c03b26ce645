-- A decline recorded for the agent who passed a chat on to a team: unlike a decline or a
-- lapsed offer, which the router forgets after two minutes, it holds while the chat waits
-- there, so the chat is never offered back to the agent who passed it on.
ALTER TABLE chat_declines ADD COLUMN passed_on BOOLEAN NOT NULL DEFAULT FALSE;
