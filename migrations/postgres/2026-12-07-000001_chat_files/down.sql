DROP TABLE chat_files;
