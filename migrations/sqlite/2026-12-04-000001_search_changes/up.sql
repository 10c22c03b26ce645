-- The journal every node's own search index follows: each write of search entries names the
-- range of entry keys it changed. A node re-reads a range from search_entries, so applying a
-- change twice, or late, gives the same index. SQLite commits one writer at a time, so
-- changes are final in `seq` order and `txid` stays 0 (PostgreSQL's records the transaction).
CREATE TABLE search_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    txid BIGINT NOT NULL DEFAULT 0,
    low BIGINT NOT NULL,
    high BIGINT NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);
CREATE INDEX search_changes_age ON search_changes (changed_at);
CREATE INDEX search_changes_order ON search_changes (txid, seq);
