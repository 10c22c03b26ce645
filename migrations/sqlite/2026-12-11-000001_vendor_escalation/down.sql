DROP TABLE escalation_files;
DROP TABLE escalation_messages;
DROP TABLE escalations;
DROP TABLE vendor_users;
DROP TABLE vendors;
