-- Reminders to vendors before and at each due time (PostgreSQL). Kept in step with ../../sqlite/
-- of the same name. Each column holds the due time its reminder was last sent for, so a
-- reminder goes once per due time, whichever node sweeps.
CREATE TABLE escalation_reminders (
    escalation_id TEXT PRIMARY KEY REFERENCES escalations (id) ON DELETE CASCADE,
    soon_for TIMESTAMP,
    late_for TIMESTAMP
);
