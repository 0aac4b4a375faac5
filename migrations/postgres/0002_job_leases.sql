-- Background work that runs on one server at a time (the outbox), or once
-- per period whichever server comes first (plan jobs, folder pulls): who
-- took it last, and until when. Times are UTC, 'YYYY-MM-DDTHH:MM:SS.sssZ'.
CREATE TABLE job_leases (
    job         TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
