-- Counts that stay exact under any order of corrections and voids.

-- Invoice numbers count per organisation and year, as integers: "INV-2026-00001"
-- may exist once in every organisation, and numbers keep their order past
-- 99,999. The old `number` column cannot be dropped (SQLite refuses to drop a
-- UNIQUE column), so it is emptied and superseded by `invoice_number`.
ALTER TABLE invoices ADD COLUMN invoice_number TEXT;
ALTER TABLE invoices ADD COLUMN number_year INTEGER;
ALTER TABLE invoices ADD COLUMN number_seq INTEGER;
UPDATE invoices
   SET invoice_number = number,
       number_year = CAST(substr(number, 5, 4) AS INTEGER),
       number_seq = CAST(substr(number, 10) AS INTEGER),
       number = NULL
 WHERE number IS NOT NULL;
CREATE UNIQUE INDEX invoices_number_per_organisation ON invoices(organisation_id, invoice_number);
CREATE UNIQUE INDEX invoices_sequence_per_organisation ON invoices(organisation_id, number_year, number_seq);
CREATE INDEX invoices_corrects ON invoices(corrects_invoice_id) WHERE corrects_invoice_id IS NOT NULL;

-- The ledger learns when a use happened (the service date that puts it in a
-- plan year) and what it saved the client (posted once, never recomputed
-- from today's prices). `reversal_of` now names the posting an entry adjusts:
-- a posting may be returned in parts, by several corrections, so the
-- one-reversal index gives way to a plain one; the store keeps
-- 0 <= posting + its adjustments <= posting.
ALTER TABLE usage_ledger ADD COLUMN used_on TEXT;
ALTER TABLE usage_ledger ADD COLUMN savings TEXT NOT NULL DEFAULT '0';
DROP INDEX usage_ledger_one_reversal;
CREATE INDEX usage_ledger_reversal_of ON usage_ledger(reversal_of) WHERE reversal_of IS NOT NULL;

-- Filling the new columns for earlier rows is the one edit the ledger allows.
DROP TRIGGER usage_ledger_no_update;

-- Earlier corrections posted their returns unlinked: link each to a posting
-- of the corrected invoice for the same benefit, patient and item.
UPDATE usage_ledger SET reversal_of = (
    SELECT o.id FROM usage_ledger o
      JOIN invoice_lines ol ON ol.id = o.invoice_line_id
      JOIN invoice_lines cl ON cl.id = usage_ledger.invoice_line_id
      JOIN invoices c ON c.id = cl.invoice_id
     WHERE ol.invoice_id = c.corrects_invoice_id AND o.quantity > 0 AND o.reversal_of IS NULL
       AND o.subscription_benefit_id = usage_ledger.subscription_benefit_id
       AND o.patient_id IS usage_ledger.patient_id AND o.item_id IS usage_ledger.item_id
     ORDER BY o.id LIMIT 1)
 WHERE source_kind = 'invoice_line' AND quantity < 0 AND reversal_of IS NULL;

-- Invoice postings saved what the frozen coverage says; other postings what
-- the regular price and the benefit's discount give today (the best there is
-- for rows older than this column).
UPDATE usage_ledger SET savings = COALESCE((
    SELECT CAST(json_extract(a.value, '$.savings') AS TEXT)
      FROM invoice_lines il JOIN invoices inv ON inv.id = il.invoice_id,
           json_each(inv.coverage_json, '$.lines[' || il.position || '].allocations') a
     WHERE il.id = usage_ledger.invoice_line_id
       AND json_extract(a.value, '$.benefit_id') = usage_ledger.subscription_benefit_id
     LIMIT 1), '0')
 WHERE source_kind = 'invoice_line';
UPDATE usage_ledger SET savings = COALESCE((
    SELECT printf('%.2f', CAST(i.regular_price AS REAL) * usage_ledger.quantity / COALESCE(i.subunit_per_unit, 1)
                          * CAST(b.discount_percent AS REAL) / 100.0)
      FROM catalog_items i, subscription_benefits b
     WHERE i.id = usage_ledger.item_id AND b.id = usage_ledger.subscription_benefit_id), '0')
 WHERE source_kind IN ('import_line', 'opening_balance', 'manual_adjustment') AND reversal_of IS NULL;

UPDATE usage_ledger SET used_on = COALESCE((
    SELECT inv.invoice_date FROM invoice_lines il JOIN invoices inv ON inv.id = il.invoice_id
     WHERE il.id = usage_ledger.invoice_line_id), date(created_at))
 WHERE reversal_of IS NULL;
UPDATE usage_ledger SET
    used_on = (SELECT o.used_on FROM usage_ledger o WHERE o.id = usage_ledger.reversal_of),
    savings = (SELECT CASE WHEN o.savings LIKE '-%' THEN substr(o.savings, 2) ELSE '-' || o.savings END
                 FROM usage_ledger o WHERE o.id = usage_ledger.reversal_of)
 WHERE reversal_of IS NOT NULL AND source_kind <> 'invoice_line';
UPDATE usage_ledger SET used_on = (SELECT o.used_on FROM usage_ledger o WHERE o.id = usage_ledger.reversal_of)
 WHERE reversal_of IS NOT NULL AND source_kind = 'invoice_line';

CREATE TRIGGER usage_ledger_no_update BEFORE UPDATE ON usage_ledger
BEGIN
    SELECT RAISE(ABORT, 'usage_ledger is append-only: append a reversal instead');
END;
-- Every new entry says when the use happened.
CREATE TRIGGER usage_ledger_used_on_required BEFORE INSERT ON usage_ledger WHEN NEW.used_on IS NULL
BEGIN
    SELECT RAISE(ABORT, 'usage_ledger.used_on is required');
END;
