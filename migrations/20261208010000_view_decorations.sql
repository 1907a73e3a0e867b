-- View decorations (Baserow's premium `ViewDecoration`): a row's left border or background
-- colour, given by a value provider (a single select's option colour, or the first of a
-- list of conditions a row meets). The provider's configuration names fields by id inside
-- JSON, so deleting a field leaves it there: it is skipped when colours are worked out.

CREATE TABLE database_view_decorations (
    id BIGSERIAL PRIMARY KEY,
    view_id BIGINT NOT NULL REFERENCES database_views (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    value_provider_type TEXT NOT NULL DEFAULT '',
    value_provider_conf JSONB NOT NULL DEFAULT '{}',
    "order" INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX database_view_decorations_view_id ON database_view_decorations (view_id);
