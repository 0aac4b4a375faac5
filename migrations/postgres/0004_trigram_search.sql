-- Searching a group's patients by any part of a pet's, breed's, owner's or
-- plan's name read every one of those names (about 200 ms for 100,000
-- patients). Trigram indexes find the rows holding a pattern of three or
-- more letters instead (src/server/store/patient_list.rs). SQLite has no
-- such index, and reads its names fast enough; tests/schema_in_step.rs
-- compares the B-tree indexes only. New names go into the index at once
-- (fastupdate off): a list of pending ones would be read by every search
-- until a vacuum merged it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX patients_name_trigrams ON patients USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX patients_breed_trigrams ON patients USING gin (lower(breed) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX clients_name_trigrams ON clients USING gin (lower(first_name || ' ' || last_name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX subscriptions_plan_name_trigrams ON subscriptions USING gin (lower(plan_name) gin_trgm_ops) WITH (fastupdate = off);
