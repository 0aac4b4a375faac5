-- Holds: when the current one began and how many days earlier holds took.
ALTER TABLE subscriptions ADD COLUMN hold_from TEXT;
ALTER TABLE subscriptions ADD COLUMN held_days INTEGER NOT NULL DEFAULT 0;
