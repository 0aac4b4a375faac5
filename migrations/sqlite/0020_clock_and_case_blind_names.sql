-- What both databases need to run the same statements.
--
-- The time a statement stamps (a finalized invoice, a revoked token), as
-- the defaults write it: 'YYYY-MM-DDTHH:MM:SSZ' in UTC. PostgreSQL's view
-- reads carecount_now(), which writes the same text.
CREATE VIEW carecount_clock AS SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AS now;

-- Pets are listed by name in any case through lower(name), which both
-- databases index alike (PostgreSQL has no NOCASE collation).
DROP INDEX patients_by_name;
CREATE INDEX patients_by_name ON patients(organisation_id, lower(name), id);
