-- Packs that stand for a referral or an insurer authorisation, packs sold on
-- an invoice line, and at most one pack following another.
ALTER TABLE subscriptions ADD COLUMN authorised_by TEXT
    CHECK (authorised_by IS NULL OR authorised_by IN ('referrer', 'insurer'));
ALTER TABLE subscriptions ADD COLUMN authoriser_name TEXT;
ALTER TABLE subscriptions ADD COLUMN authorisation_ref TEXT;
-- The invoice whose finalizing created the pack: voiding it cancels the pack.
ALTER TABLE subscriptions ADD COLUMN sold_on_invoice_id INTEGER REFERENCES invoices(id);
CREATE INDEX subscriptions_sold_on_invoice ON subscriptions(sold_on_invoice_id)
    WHERE sold_on_invoice_id IS NOT NULL;
-- A catalog item that sells a pack template: on an invoice it is the pack.
ALTER TABLE catalog_items ADD COLUMN sells_template_id INTEGER REFERENCES plan_templates(id);
-- Two desks using the last session at once make one successor, not two.
CREATE UNIQUE INDEX subscriptions_one_successor ON subscriptions(renews_subscription_id)
    WHERE renews_subscription_id IS NOT NULL AND status <> 'cancelled';
-- Each package and session pack template already made gets its item.
INSERT INTO catalog_items (organisation_id, code, name, kind, unit_name, regular_price, active, sells_template_id)
SELECT organisation_id, 'PACK-' || id, name, 'service', 'pack', price, active, id
FROM plan_templates WHERE kind <> 'wellness'
ON CONFLICT (organisation_id, code) DO NOTHING;
-- A package for one pet of the household (a grooming package for the
-- poodle), rather than for any of them.
ALTER TABLE plan_templates ADD COLUMN one_pet INTEGER NOT NULL DEFAULT 0;
