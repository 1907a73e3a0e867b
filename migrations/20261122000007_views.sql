-- Views: per-type settings, public sharing, and their filters, filter groups, sorts,
-- group-bys and per-field options.

ALTER TABLE database_views
    ADD COLUMN row_identifier_type TEXT NOT NULL DEFAULT 'id',
    ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE,
    -- Random slug of public links (244 random bits); rotating it breaks old links.
    ADD COLUMN slug TEXT NOT NULL DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
    -- argon2 hash; NULL means no password.
    ADD COLUMN public_view_password TEXT,
    ADD COLUMN ownership_type TEXT NOT NULL DEFAULT 'collaborative',
    ADD COLUMN owned_by_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX database_views_slug ON database_views (slug);

CREATE TABLE database_view_filter_groups (
    id BIGSERIAL PRIMARY KEY,
    view_id BIGINT NOT NULL REFERENCES database_views (id) ON DELETE CASCADE,
    filter_type TEXT NOT NULL DEFAULT 'AND' CHECK (filter_type IN ('AND', 'OR')),
    parent_group_id BIGINT REFERENCES database_view_filter_groups (id) ON DELETE CASCADE
);
CREATE INDEX database_view_filter_groups_view_id ON database_view_filter_groups (view_id);

-- A filter of a deleted field goes with it (fields are deleted for real when the trash is
-- emptied; while a field is in the trash its filters are skipped).
CREATE TABLE database_view_filters (
    id BIGSERIAL PRIMARY KEY,
    view_id BIGINT NOT NULL REFERENCES database_views (id) ON DELETE CASCADE,
    field_id BIGINT NOT NULL REFERENCES database_fields (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    value TEXT NOT NULL DEFAULT '',
    group_id BIGINT REFERENCES database_view_filter_groups (id) ON DELETE CASCADE
);
CREATE INDEX database_view_filters_view_id ON database_view_filters (view_id);

CREATE TABLE database_view_sorts (
    id BIGSERIAL PRIMARY KEY,
    view_id BIGINT NOT NULL REFERENCES database_views (id) ON DELETE CASCADE,
    field_id BIGINT NOT NULL REFERENCES database_fields (id) ON DELETE CASCADE,
    "order" TEXT NOT NULL DEFAULT 'ASC' CHECK ("order" IN ('ASC', 'DESC')),
    type TEXT NOT NULL DEFAULT 'default',
    UNIQUE (view_id, field_id)
);

CREATE TABLE database_view_group_bys (
    id BIGSERIAL PRIMARY KEY,
    view_id BIGINT NOT NULL REFERENCES database_views (id) ON DELETE CASCADE,
    field_id BIGINT NOT NULL REFERENCES database_fields (id) ON DELETE CASCADE,
    "order" TEXT NOT NULL DEFAULT 'ASC' CHECK ("order" IN ('ASC', 'DESC')),
    width INTEGER NOT NULL DEFAULT 200,
    type TEXT NOT NULL DEFAULT 'default',
    UNIQUE (view_id, field_id)
);

-- Only options that differ from the view type's defaults are stored.
CREATE TABLE database_view_field_options (
    view_id BIGINT NOT NULL REFERENCES database_views (id) ON DELETE CASCADE,
    field_id BIGINT NOT NULL REFERENCES database_fields (id) ON DELETE CASCADE,
    options JSONB NOT NULL DEFAULT '{}',
    PRIMARY KEY (view_id, field_id)
);
