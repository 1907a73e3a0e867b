-- The user's time zone (an IANA name, Baserow's `UserProfile.timezone`): daily and weekly
-- notification summaries go out at midnight there. NULL means UTC.
ALTER TABLE users ADD COLUMN timezone TEXT;
