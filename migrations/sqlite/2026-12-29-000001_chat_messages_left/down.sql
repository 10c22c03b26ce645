DROP TABLE chat_messages_left;
