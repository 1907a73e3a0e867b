-- The database application: tables, fields, select options, views, and the per-table event log.
-- Every user table is a real table `database_table_{id}` created at run time.

-- Trigram indexes make "contains" filters and search on text columns use an index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE database_tables (
    id BIGSERIAL PRIMARY KEY,
    database_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    trashed BOOLEAN NOT NULL DEFAULT FALSE,
    -- Live (not trashed) rows, maintained in the same transaction as every insert and
    -- delete, so an unfiltered listing never runs COUNT(*).
    row_count BIGINT NOT NULL DEFAULT 0,
    -- Last sequence number of the table's event log; the row lock that bumps it also
    -- orders concurrent writers, which keeps the sequence gap-free.
    event_seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX database_tables_database_id ON database_tables (database_id);

CREATE TABLE database_fields (
    id BIGSERIAL PRIMARY KEY,
    table_id BIGINT NOT NULL REFERENCES database_tables (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    description TEXT,
    -- The type's own properties (decimal places, date format, ...).
    options JSONB NOT NULL DEFAULT '{}',
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    trashed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX database_fields_table_id ON database_fields (table_id);
CREATE UNIQUE INDEX database_fields_live_name ON database_fields (table_id, name) WHERE NOT trashed;
CREATE UNIQUE INDEX database_fields_one_primary ON database_fields (table_id) WHERE is_primary AND NOT trashed;

CREATE TABLE database_select_options (
    id BIGSERIAL PRIMARY KEY,
    field_id BIGINT NOT NULL REFERENCES database_fields (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    color TEXT NOT NULL,
    "order" INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX database_select_options_field_id ON database_select_options (field_id);

CREATE TABLE database_views (
    id BIGSERIAL PRIMARY KEY,
    table_id BIGINT NOT NULL REFERENCES database_tables (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    filter_type TEXT NOT NULL DEFAULT 'AND',
    filters_disabled BOOLEAN NOT NULL DEFAULT FALSE,
    options JSONB NOT NULL DEFAULT '{}',
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    trashed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX database_views_table_id ON database_views (table_id);

-- Every mutation of a table appends one event, in the mutation's transaction.
CREATE TABLE database_table_events (
    table_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    payload JSONB NOT NULL,
    user_id BIGINT,
    websocket_id TEXT,
    -- False when the request asked for no webhook calls (`send_webhook_events=false`).
    send_webhooks BOOLEAN NOT NULL DEFAULT TRUE,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (table_id, seq)
);
CREATE INDEX database_table_events_created_on ON database_table_events (created_on);

-- Conversions between field types never fail: a value that does not fit becomes NULL.
CREATE FUNCTION tessera_try_numeric(value TEXT) RETURNS NUMERIC
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN replace(btrim(value), ',', '')::NUMERIC;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;

CREATE FUNCTION tessera_try_timestamptz(value TEXT) RETURNS TIMESTAMPTZ
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN btrim(value)::TIMESTAMPTZ;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;

CREATE FUNCTION tessera_try_date(value TEXT) RETURNS DATE
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN btrim(value)::TIMESTAMP::DATE;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;

CREATE FUNCTION tessera_try_uuid(value TEXT) RETURNS UUID
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN btrim(value)::UUID;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;

-- A time zone name PostgreSQL knows, or UTC: user input never makes a query fail.
CREATE FUNCTION tessera_safe_timezone(tz TEXT) RETURNS TEXT
LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT name FROM pg_timezone_names WHERE name = tz LIMIT 1), 'UTC')
$$;
