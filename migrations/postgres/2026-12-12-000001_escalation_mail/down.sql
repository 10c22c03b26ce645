DROP TABLE escalation_emails;
