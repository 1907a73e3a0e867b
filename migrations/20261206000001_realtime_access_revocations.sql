-- Access revocations for realtime delivery. Each transaction that takes access away
-- (a member removed or leaving, a workspace deleted) bumps the one counter row and logs
-- the users it concerns under the new epoch. The row lock on the counter numbers
-- revocations densely and in commit order, so the fan-out, which reads the counter after
-- the events it publishes, stamps each event with an epoch covering every revocation
-- committed before it; a backend re-checks the users logged since the epoch it last saw
-- before it delivers the event.
CREATE TABLE realtime_access_epoch (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    epoch BIGINT NOT NULL
);
INSERT INTO realtime_access_epoch (epoch) VALUES (0);

CREATE TABLE realtime_access_revocations (
    epoch BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (epoch, user_id)
);
CREATE INDEX realtime_access_revocations_created_at ON realtime_access_revocations (created_at);
