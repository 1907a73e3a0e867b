-- Comments on rows, and notifications to users.
--
-- A comment names its row by id: rows live in per-table SQL tables, so there is no foreign
-- key to them; comments of rows deleted for good are deleted with them by the trash, and
-- all of a table's comments go with the table.
CREATE TABLE database_row_comments (
    id BIGSERIAL PRIMARY KEY,
    table_id BIGINT NOT NULL REFERENCES database_tables (id) ON DELETE CASCADE,
    row_id BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The rich text: a ProseMirror-like document of paragraphs, text, line breaks and mentions.
    message JSONB NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    updated_on TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    -- A deleted comment stays listed (without its message), as in Baserow.
    trashed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX database_row_comments_row ON database_row_comments (table_id, row_id, created_on DESC);

-- Who a comment mentions (members of its workspace when it was written).
CREATE TABLE database_row_comment_mentions (
    comment_id BIGINT NOT NULL REFERENCES database_row_comments (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (comment_id, user_id)
);

-- A notification, shared by its recipients. `workspace_id` is NULL for notifications that
-- are about no workspace the recipient belongs to yet (an invitation).
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    type TEXT NOT NULL,
    workspace_id BIGINT REFERENCES workspaces (id) ON DELETE CASCADE,
    sender_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    data JSONB NOT NULL DEFAULT '{}',
    created_on TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

-- One row per recipient; clearing deletes it (and the notification with its last one).
-- `workspace_id` and `created_on` are copies of the notification's, for the listings.
CREATE TABLE notification_recipients (
    id BIGSERIAL PRIMARY KEY,
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    recipient_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id BIGINT,
    created_on TIMESTAMPTZ NOT NULL,
    read BOOLEAN NOT NULL DEFAULT FALSE,
    -- Still to be listed in an email summary (per the recipient's frequency).
    email_scheduled BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (notification_id, recipient_id)
);
CREATE INDEX notification_recipients_listing
    ON notification_recipients (recipient_id, workspace_id, created_on DESC);
CREATE INDEX notification_recipients_email
    ON notification_recipients (recipient_id) WHERE email_scheduled AND NOT read;

-- When the last email summary went out, so daily and weekly summaries are not repeated.
ALTER TABLE users ADD COLUMN last_notifications_email_sent_at TIMESTAMPTZ;
