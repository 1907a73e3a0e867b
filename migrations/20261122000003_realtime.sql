-- How far each table's event log has been published to Redis. The fan-out job advances
-- it in the same transaction that reads the events, so a crashed worker republishes
-- (clients drop duplicates by sequence number) and never skips.
CREATE TABLE realtime_cursors (
    table_id BIGINT PRIMARY KEY,
    published_seq BIGINT NOT NULL DEFAULT 0
);
