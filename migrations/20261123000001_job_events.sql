-- When a job's progress was last announced to its owner's sockets: progress events are
-- throttled to a few per second, whatever the rate the job reports at.
ALTER TABLE jobs ADD COLUMN progress_event_on TIMESTAMPTZ;
