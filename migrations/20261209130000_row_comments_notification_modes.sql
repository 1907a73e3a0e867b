-- How each user wants to hear of comments on a row (Baserow's RowCommentsNotificationMode):
-- 'all' comments, or only 'mentions' (the default, also when no line exists). Rows live in
-- per-table SQL tables, so the row is named by id, as comments name theirs.
CREATE TABLE database_row_comments_notification_modes (
    table_id BIGINT NOT NULL REFERENCES database_tables (id) ON DELETE CASCADE,
    row_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('all', 'mentions')),
    created_on TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    updated_on TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (table_id, row_id, user_id)
);
