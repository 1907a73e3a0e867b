-- Notifications wait here for the worker that delivers them live, as in Baserow: it sends
-- each user's new ones together, or only their number when there are too many at once.
ALTER TABLE notification_recipients ADD COLUMN queued BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX notification_recipients_queued ON notification_recipients (id) WHERE queued;
