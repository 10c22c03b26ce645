-- Who passed a chat on, and their note for whoever takes it over: the receiving agent sees
-- both on the offer, in the queue and beside the chat. The user is resolved by a join; a
-- user who is gone leaves the note without a name.
ALTER TABLE conversations ADD COLUMN handed_over_by TEXT;
ALTER TABLE conversations ADD COLUMN handover_note TEXT;
