-- Database tokens: keys for scripts, scoped to one workspace, with per-operation rights.
CREATE TABLE database_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- SHA-256 of the key; the key itself is shown once and never stored.
    key_hash BYTEA NOT NULL UNIQUE,
    -- The key's first characters, so people can tell their tokens apart.
    key_prefix TEXT NOT NULL,
    -- {"create": true | false | [["database", id] | ["table", id], …], "read": …, "update": …, "delete": …}
    permissions JSONB NOT NULL,
    expires_at TIMESTAMPTZ,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX database_tokens_user_id ON database_tokens (user_id);
