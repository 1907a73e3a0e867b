-- Full-text search (`search_mode=full-text-with-count`): every user table gets a
-- `search_tsv` column holding each row's words, which the export worker keeps up to date
-- from the table's event log. `search_seq` is the last event the column reflects (NULL: the
-- column was never filled); `search_queued` says a refresh is already on the queue, so a
-- burst of writes queues one. The column's indexes are built by the first refresh.
ALTER TABLE database_tables
    ADD COLUMN search_seq BIGINT,
    ADD COLUMN search_queued BOOLEAN NOT NULL DEFAULT FALSE;

-- Adding a nullable column without a default rewrites nothing, however large the table.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.relname
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema()
          AND c.relkind = 'r'
          AND c.relname ~ '^database_table_[0-9]+$'
    LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN IF NOT EXISTS search_tsv tsvector', t.relname);
    END LOOP;
END
$$;
