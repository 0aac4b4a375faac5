-- The time a statement stamps (a finalized invoice, a revoked token), as
-- the defaults write it: 'YYYY-MM-DDTHH:MM:SSZ' in UTC; SQLite's view of
-- the same name reads strftime().
CREATE VIEW carecount_clock AS SELECT carecount_now() AS now;
