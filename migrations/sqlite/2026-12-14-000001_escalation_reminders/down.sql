DROP TABLE escalation_reminders;
