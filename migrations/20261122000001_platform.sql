-- Users, instance settings, workspaces, members, invitations, applications and trash.

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_staff BOOLEAN NOT NULL DEFAULT FALSE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    language TEXT NOT NULL DEFAULT 'en',
    email_notification_frequency TEXT NOT NULL DEFAULT 'instant',
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    completed_onboarding BOOLEAN NOT NULL DEFAULT FALSE,
    completed_guided_tours JSONB NOT NULL DEFAULT '[]',
    -- Bumped on password change: tokens carrying an older epoch stop working.
    auth_epoch INTEGER NOT NULL DEFAULT 0,
    date_joined TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login TIMESTAMPTZ
);

-- Exactly one row.
CREATE TABLE instance_settings (
    id SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    instance_id TEXT NOT NULL,
    allow_new_signups BOOLEAN NOT NULL DEFAULT TRUE,
    allow_signups_via_workspace_invitations BOOLEAN NOT NULL DEFAULT TRUE,
    allow_reset_password BOOLEAN NOT NULL DEFAULT TRUE,
    allow_global_workspace_creation BOOLEAN NOT NULL DEFAULT TRUE,
    account_deletion_grace_delay INTEGER NOT NULL DEFAULT 30,
    show_admin_signup_page BOOLEAN NOT NULL DEFAULT TRUE,
    track_workspace_usage BOOLEAN NOT NULL DEFAULT FALSE,
    show_baserow_help_request BOOLEAN NOT NULL DEFAULT TRUE,
    email_verification TEXT NOT NULL DEFAULT 'no_verification',
    verify_import_signature BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO instance_settings (instance_id)
VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

-- Refresh tokens that were logged out before they expired.
CREATE TABLE blacklisted_tokens (
    jti TEXT PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE workspaces (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    trashed BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE workspace_users (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permissions TEXT NOT NULL CHECK (permissions IN ('ADMIN', 'MEMBER')),
    "order" INTEGER NOT NULL DEFAULT 0,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, user_id)
);
CREATE INDEX workspace_users_user_id ON workspace_users (user_id);

CREATE TABLE workspace_invitations (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    permissions TEXT NOT NULL CHECK (permissions IN ('ADMIN', 'MEMBER')),
    message TEXT NOT NULL DEFAULT '',
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, email)
);

CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    trashed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX applications_workspace_id ON applications (workspace_id);

CREATE TABLE trash_entries (
    id BIGSERIAL PRIMARY KEY,
    trash_item_type TEXT NOT NULL,
    trash_item_id BIGINT NOT NULL,
    parent_trash_item_id BIGINT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    application_id BIGINT REFERENCES applications (id) ON DELETE CASCADE,
    user_who_trashed BIGINT REFERENCES users (id) ON DELETE SET NULL,
    name TEXT NOT NULL DEFAULT '',
    trashed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    should_be_permanently_deleted BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (trash_item_type, trash_item_id, parent_trash_item_id)
);
