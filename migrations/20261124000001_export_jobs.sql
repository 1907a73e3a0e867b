-- Table exports are user jobs of type `export_table`; their files expire, so a job can end
-- `expired`. Downloads find the job by its file name.
ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('pending', 'started', 'finished', 'failed', 'cancelled', 'expired'));
CREATE INDEX jobs_export_file ON jobs ((result ->> 'exported_file_name'))
    WHERE type = 'export_table';
