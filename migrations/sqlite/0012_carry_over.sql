-- Packages and session packs brought over from another system: how a
-- subscription came to be, and a note staff see whenever it is used.
ALTER TABLE subscriptions ADD COLUMN origin TEXT NOT NULL DEFAULT 'sold'
    CHECK (origin IN ('sold', 'carried_over'));
ALTER TABLE subscriptions ADD COLUMN use_note TEXT NOT NULL DEFAULT '';
