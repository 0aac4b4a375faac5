-- An import writes a practice-system line, what its invoice applied, and a
-- ledger entry for every line it counts. The two import tables are only
-- ever found by their keys, so they keep their rows in the key's own B-tree
-- (WITHOUT ROWID): one tree written per row instead of two.

CREATE TABLE pims_lines_by_key (
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id        INTEGER NOT NULL REFERENCES clinics(id),
    invoice_ref      TEXT NOT NULL,
    line_ref         TEXT NOT NULL,
    invoice_date     TEXT NOT NULL,
    patient_ref      TEXT NOT NULL,
    code             TEXT NOT NULL,
    quantity         INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('final', 'deleted', 'void')),
    run_id           INTEGER NOT NULL REFERENCES sync_runs(id),
    PRIMARY KEY (organisation_id, invoice_ref, line_ref)
) WITHOUT ROWID;
INSERT INTO pims_lines_by_key
SELECT organisation_id, clinic_id, invoice_ref, line_ref, invoice_date, patient_ref, code, quantity, status, run_id
FROM pims_lines;
DROP TABLE pims_lines;
ALTER TABLE pims_lines_by_key RENAME TO pims_lines;

CREATE TABLE pims_applied_by_key (
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    invoice_ref      TEXT NOT NULL,
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    item_id          INTEGER NOT NULL REFERENCES catalog_items(id),
    applied          INTEGER NOT NULL CHECK (applied >= 0),
    draws            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, invoice_ref, patient_id, item_id)
) WITHOUT ROWID;
INSERT INTO pims_applied_by_key
SELECT organisation_id, invoice_ref, patient_id, item_id, applied, draws FROM pims_applied;
DROP TABLE pims_applied;
ALTER TABLE pims_applied_by_key RENAME TO pims_applied;

-- Only desk postings have an invoice line; imports, carry-overs and manual
-- adjustments (most of a synced clinic's ledger) need no entry in this index.
DROP INDEX usage_ledger_invoice_line;
CREATE INDEX usage_ledger_invoice_line ON usage_ledger(invoice_line_id) WHERE invoice_line_id IS NOT NULL;
