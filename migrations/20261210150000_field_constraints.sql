-- Baserow's `db_index` and `field_constraints` of a field. `db_index` asks for a plain
-- index on the field's column (built in the background); each constraint name (today only
-- `unique_with_empty`) is enforced by a unique index on the column that PostgreSQL keeps.
ALTER TABLE database_fields
    ADD COLUMN db_index BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN field_constraints TEXT[] NOT NULL DEFAULT '{}';
