ALTER TABLE chat_declines DROP COLUMN passed_on;
