-- Outbound webhooks: one row per webhook with its delivery cursor, and the log of its calls.

-- Every event gets a stable id: webhook receivers use it to recognise a redelivery.
ALTER TABLE database_table_events ADD COLUMN event_id UUID NOT NULL DEFAULT gen_random_uuid();

CREATE TABLE database_webhooks (
    id BIGSERIAL PRIMARY KEY,
    table_id BIGINT NOT NULL REFERENCES database_tables (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    request_method TEXT NOT NULL DEFAULT 'POST'
        CHECK (request_method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
    -- {"Header-Name": "value", …} sent with every call.
    headers JSONB NOT NULL DEFAULT '{}',
    include_all_events BOOLEAN NOT NULL DEFAULT TRUE,
    events TEXT[] NOT NULL DEFAULT '{}',
    -- [{"event_type": "rows.updated", "fields": [ids], "views": [ids]}]
    event_config JSONB NOT NULL DEFAULT '[]',
    use_user_field_names BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    -- HMAC-SHA256 key for the signature header. Kept readable because every call is signed
    -- with it; the API shows it only on creation and rotation.
    secret TEXT NOT NULL,
    -- Consecutive events whose every attempt failed; reaching the limit deactivates.
    failed_triggers INTEGER NOT NULL DEFAULT 0,
    -- Delivery state: every event up to `delivered_seq` is handled; the next one has been
    -- attempted `attempts` times and is tried again at `retry_at`.
    delivered_seq BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_at TIMESTAMPTZ,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX database_webhooks_table_id ON database_webhooks (table_id);

CREATE TABLE database_webhook_calls (
    id BIGSERIAL PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES database_webhooks (id) ON DELETE CASCADE,
    event_id UUID NOT NULL,
    event_type TEXT NOT NULL,
    called_time TIMESTAMPTZ NOT NULL DEFAULT now(),
    called_url TEXT NOT NULL,
    -- The request and response as raw HTTP text, cut in the middle when very long.
    request TEXT NOT NULL,
    response TEXT,
    response_status INTEGER,
    error TEXT,
    -- The exact body sent, so the call can be redelivered after the event log moved on.
    body TEXT NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX database_webhook_calls_webhook_id ON database_webhook_calls (webhook_id, id DESC);
CREATE INDEX database_webhook_calls_called_time ON database_webhook_calls (called_time);
