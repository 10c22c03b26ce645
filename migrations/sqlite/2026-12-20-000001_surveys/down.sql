DROP TABLE survey_links;
DROP TABLE ratings;
