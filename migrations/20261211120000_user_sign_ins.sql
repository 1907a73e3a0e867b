-- Every successful log-in: the staff dashboard counts active users from it (Baserow's
-- `UserLogEntry` rows with the action `SIGNED_IN`). `last_login` keeps only the latest,
-- which cannot say who was active in an earlier period.
CREATE TABLE user_sign_ins (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    signed_in_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX user_sign_ins_signed_in_at ON user_sign_ins (signed_in_at);
CREATE INDEX user_sign_ins_user_id ON user_sign_ins (user_id);
