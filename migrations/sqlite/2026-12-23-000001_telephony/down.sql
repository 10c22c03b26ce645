DROP TABLE telephony_events;
DROP TABLE phone_calls;
DROP TABLE agent_extensions;
ALTER TABLE ticket_slas DROP COLUMN call_back_due_at;
ALTER TABLE ticket_slas DROP COLUMN call_back_warn_at;
ALTER TABLE ticket_slas DROP COLUMN call_back_pause_base;
ALTER TABLE ticket_slas DROP COLUMN call_back_since;
ALTER TABLE ticket_slas DROP COLUMN call_back_minutes;
ALTER TABLE sla_policies DROP COLUMN call_back_minutes;
