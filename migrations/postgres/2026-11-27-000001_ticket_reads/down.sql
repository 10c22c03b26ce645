DROP TABLE ticket_reads;
