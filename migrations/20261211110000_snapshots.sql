-- Database snapshots (Baserow's `Snapshot`): a named copy of a database, kept out of sight
-- until it is restored as a new database of the same workspace.
--
-- The copy is an `applications` row of the source's workspace kept `trashed` without a
-- trash entry: every path that serves databases, tables, rows or views skips trashed
-- applications, and deleting the workspace for good takes the copy's tables with it.
-- `snapshot_to_application_id` stays NULL until the creating job has finished; only
-- snapshots with a copy are listed, counted and restorable.
CREATE TABLE snapshots (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    snapshot_from_application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    snapshot_to_application_id BIGINT REFERENCES applications (id) ON DELETE CASCADE,
    created_by_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX snapshots_from_application ON snapshots (snapshot_from_application_id);
CREATE UNIQUE INDEX snapshots_to_application ON snapshots (snapshot_to_application_id);
