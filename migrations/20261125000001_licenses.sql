-- Licenses registered by staff: the signed token as given, plus the fields of its payload
-- the API lists and sorts by. The token stays the source of truth: it is re-verified
-- whenever it is read for a decision, and the license server may replace it.
CREATE TABLE licenses (
    id BIGSERIAL PRIMARY KEY,
    -- The signed token: base64url(payload JSON) "." base64url(Ed25519 signature).
    license TEXT NOT NULL,
    -- The payload's own id, unique per instance (a newer issue of one license replaces it).
    license_id TEXT NOT NULL UNIQUE,
    -- When the license server last answered for this license.
    last_check TIMESTAMPTZ,
    -- When a check of this license last started, answered or not: the periodic check
    -- claims licenses by this, so several export workers never check one twice.
    last_attempt TIMESTAMPTZ,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Seats of a license assigned to users.
CREATE TABLE license_users (
    id BIGSERIAL PRIMARY KEY,
    license_id BIGINT NOT NULL REFERENCES licenses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (license_id, user_id)
);
CREATE INDEX license_users_user_id ON license_users (user_id);
