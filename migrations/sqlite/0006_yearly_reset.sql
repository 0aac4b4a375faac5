-- A benefit's limit counts per term, or per plan year from the start (for
-- open-ended and multi-year plans).
ALTER TABLE template_benefits ADD COLUMN resets TEXT NOT NULL DEFAULT 'term' CHECK (resets IN ('term', 'year'));
ALTER TABLE subscription_benefits ADD COLUMN resets TEXT NOT NULL DEFAULT 'term' CHECK (resets IN ('term', 'year'));
