-- Files users upload to attach to rows (`file` fields). The file lives in the media folder
-- as `user_files/<name>`, images also as `thumbnails/<size>/<name>`; `name` is
-- `<32 random characters>_<sha256>.<extension>`, so it cannot be guessed and doubles as
-- the key of the download URL.
CREATE TABLE user_files (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    sha256_hash TEXT NOT NULL,
    size BIGINT NOT NULL,
    mime_type TEXT NOT NULL,
    is_image BOOLEAN NOT NULL DEFAULT FALSE,
    image_width INTEGER,
    image_height INTEGER,
    uploaded_by_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The same content under the same name is stored once (as Baserow does).
CREATE INDEX user_files_sha256 ON user_files (sha256_hash, original_name);
-- Quotas sum a user's uploads.
CREATE INDEX user_files_uploaded_by ON user_files (uploaded_by_id);
