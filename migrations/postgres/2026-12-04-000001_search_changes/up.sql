-- The journal every node's own search index follows: each write of search entries names the
-- range of entry keys it changed. A node re-reads a range from search_entries, so applying a
-- change twice, or late, gives the same index.
--
-- `txid` is the writing transaction's id. A node reads only changes of transactions older
-- than every transaction still running (pg_snapshot_xmin), in (txid, seq) order: a change of
-- a transaction that commits late is never passed over, as it could be by `seq` alone.
CREATE TABLE search_changes (
    seq BIGSERIAL PRIMARY KEY,
    txid BIGINT NOT NULL DEFAULT (CAST(CAST(pg_current_xact_id() AS text) AS bigint)),
    low BIGINT NOT NULL,
    high BIGINT NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE INDEX search_changes_order ON search_changes (txid, seq);
CREATE INDEX search_changes_age ON search_changes (changed_at);
