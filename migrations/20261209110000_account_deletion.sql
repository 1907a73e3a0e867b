-- A user who asked for their account's deletion: deleted once `last_login` is older than
-- the instance's grace delay, unless they log in again before.
ALTER TABLE users ADD COLUMN to_be_deleted BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX users_to_be_deleted ON users (last_login) WHERE to_be_deleted;
