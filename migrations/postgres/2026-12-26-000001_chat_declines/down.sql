DROP TABLE chat_declines;
