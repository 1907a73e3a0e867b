-- Files uploaded for import: kept in the media folder (`import_files/<id>`), usable only
-- by their uploader, removed a day after upload.
CREATE TABLE import_uploads (
    id UUID PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX import_uploads_created_on ON import_uploads (created_on);
