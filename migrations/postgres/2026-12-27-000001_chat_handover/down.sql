ALTER TABLE conversations DROP COLUMN handover_note;
ALTER TABLE conversations DROP COLUMN handed_over_by;
