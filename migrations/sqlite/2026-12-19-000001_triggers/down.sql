DROP TABLE trigger_runs;
DROP TABLE triggers;
