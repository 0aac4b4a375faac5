-- The practice-system invoices as last seen, one row per invoice: its lines
-- and what it applied per (patient, item), as JSON. An import reads and
-- reconciles an invoice as a whole, so it keeps it as one; a usual export
-- (a few lines per invoice) writes three times fewer rows than with a row
-- per line plus a row per applied amount.
CREATE TABLE pims_invoices (
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    invoice_ref      TEXT NOT NULL,
    clinic_id        INTEGER NOT NULL REFERENCES clinics(id),
    run_id           INTEGER NOT NULL REFERENCES sync_runs(id),
    -- The latest line's date: the day the invoice's uses are counted on.
    counts_on        TEXT,
    voided           INTEGER NOT NULL CHECK (voided IN (0, 1)),
    -- [{"line", "date", "patient", "code", "quantity", "status"}]
    lines            TEXT NOT NULL,
    -- [{"patient", "item", "applied", "draws"}], patient and item ids of CareCount
    applied          TEXT NOT NULL,
    PRIMARY KEY (organisation_id, invoice_ref)
) WITHOUT ROWID;

-- A voided invoice's lines were kept as void; they ask nothing, as before.
INSERT INTO pims_invoices (organisation_id, invoice_ref, clinic_id, run_id, counts_on, voided, lines, applied)
SELECT l.organisation_id, l.invoice_ref, MAX(l.clinic_id), MAX(l.run_id),
       MAX(l.invoice_date) FILTER (WHERE l.status <> 'void'),
       MAX(l.status = 'void'),
       COALESCE(json_group_array(json_object('line', l.line_ref, 'date', l.invoice_date, 'patient', l.patient_ref,
                                             'code', l.code, 'quantity', l.quantity, 'status', l.status))
                    FILTER (WHERE l.status <> 'void'), '[]'),
       COALESCE((SELECT json_group_array(json_object('patient', a.patient_id, 'item', a.item_id,
                                                     'applied', a.applied, 'draws', a.draws))
                   FROM pims_applied a
                  WHERE a.organisation_id = l.organisation_id AND a.invoice_ref = l.invoice_ref), '[]')
FROM pims_lines l
GROUP BY l.organisation_id, l.invoice_ref;

DROP TABLE pims_lines;
DROP TABLE pims_applied;
