-- A pack's no-show rule is part of what was sold, as its benefits are: it
-- was read from the template at each no-show, so a manager changing the
-- template's rule changed packs already sold. Each subscription now keeps
-- the rule its template had when it was sold; existing ones take their
-- template's rule of today, the one they were being counted by.
ALTER TABLE subscriptions ADD COLUMN no_show TEXT NOT NULL DEFAULT 'release'
    CHECK (no_show IN ('draw', 'release'));
UPDATE subscriptions SET no_show = (SELECT t.no_show FROM plan_templates t WHERE t.id = subscriptions.template_id);
