-- A pack's no-show rule is part of what was sold (as
-- migrations/sqlite/0023): each subscription keeps its template's rule of
-- the day it was sold.
ALTER TABLE subscriptions ADD COLUMN no_show TEXT NOT NULL DEFAULT 'release'
    CHECK (no_show IN ('draw', 'release'));
UPDATE subscriptions SET no_show = (SELECT t.no_show FROM plan_templates t WHERE t.id = subscriptions.template_id);
