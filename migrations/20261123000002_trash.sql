-- Trash: batches of trashed rows, the names such a batch lists, and the lookups of the trash
-- listing and of permanent deletion.

-- A batch delete trashes its rows under one entry of type `rows`, as Baserow does; the
-- entry's item is one of these.
CREATE TABLE database_trashed_rows (
    id BIGSERIAL PRIMARY KEY,
    table_id BIGINT NOT NULL REFERENCES database_tables (id) ON DELETE CASCADE,
    row_ids BIGINT[] NOT NULL
);
CREATE INDEX database_trashed_rows_table_id ON database_trashed_rows (table_id);

-- The names of the items of a `rows` entry (NULL for the other types).
ALTER TABLE trash_entries ADD COLUMN names TEXT[];

-- Field and view ids are unique on their own, so their entries name no parent (Baserow's
-- clients send an entry's parent back when restoring, and expect none for these types).
UPDATE trash_entries SET parent_trash_item_id = NULL WHERE trash_item_type IN ('field', 'view');

-- The listing: one workspace's (or database's) entries, newest first.
CREATE INDEX trash_entries_listing ON trash_entries (workspace_id, application_id, trashed_at DESC);
-- Permanent deletion: entries past the retention, and those marked by emptying.
CREATE INDEX trash_entries_trashed_at ON trash_entries (trashed_at) WHERE NOT should_be_permanently_deleted;
CREATE INDEX trash_entries_marked ON trash_entries (id) WHERE should_be_permanently_deleted;
