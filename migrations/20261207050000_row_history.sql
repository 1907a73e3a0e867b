-- Row history: one entry per changed row and change, written in the transaction of the
-- change with only the fields whose values changed (Baserow's `database_rowhistory`).
-- `before` and `after` are keyed by `field_<id>`; `fields_metadata` keeps each changed
-- field's type and what is needed to show its values later, so entries stay readable
-- after the field is renamed, changed or deleted. Users are kept by id and name, without
-- a foreign key: an entry outlives its author's account.
CREATE TABLE database_row_history (
    id BIGSERIAL PRIMARY KEY,
    table_id BIGINT NOT NULL REFERENCES database_tables (id) ON DELETE CASCADE,
    row_id BIGINT NOT NULL,
    user_id BIGINT,
    user_name TEXT NOT NULL DEFAULT '',
    action_type TEXT NOT NULL,
    action_command_type TEXT NOT NULL DEFAULT 'DO',
    "timestamp" TIMESTAMPTZ NOT NULL DEFAULT now(),
    before JSONB NOT NULL DEFAULT '{}',
    after JSONB NOT NULL DEFAULT '{}',
    fields_metadata JSONB NOT NULL DEFAULT '{}'
);
-- A row's entries, newest first (the listing), and the retention cleanup.
CREATE INDEX database_row_history_row ON database_row_history (table_id, row_id, "timestamp" DESC, id DESC);
CREATE INDEX database_row_history_timestamp ON database_row_history ("timestamp");
