-- Undoable actions: what a user did from one browser tab (`session`, Baserow's
-- `ClientSessionId`), newest last. `scope` names what the action touched (`table42`), so a
-- page undoes only its own; `action_group` makes several requests one undo step.
-- `undone_at` is set by undo and cleared by redo; an action whose undo or redo failed
-- keeps its `error` and is skipped from then on.
CREATE TABLE actions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session TEXT NOT NULL,
    action_group UUID,
    action_type TEXT NOT NULL,
    scope TEXT NOT NULL,
    params JSONB NOT NULL,
    undone_at TIMESTAMPTZ,
    error TEXT,
    created_on TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
-- Undo and redo look at one user's tab, newest first.
CREATE INDEX actions_user_session ON actions (user_id, session, id);
-- The clean-up finds old actions.
CREATE INDEX actions_created_on ON actions (created_on);

-- Column data kept for undoing a field's type change, one table per backup
-- (`database_field_backup_{id}`, holding `id` and `value` of every row); dropped with the
-- action that needs it.
CREATE SEQUENCE database_field_backup_seq;
