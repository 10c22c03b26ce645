DROP TABLE chat_index_cursors;
