-- Usage sync from a practice-management system. Lines arrive keyed by the
-- practice system's invoice and line ids; the latest state of each line is
-- kept, and the ledger moves by the difference between what was applied
-- per (invoice, patient, item) and what the invoice asks now.

-- The practice system's item codes, mapped to catalog items (codes are kept
-- upper-case; matching ignores case).
CREATE TABLE pims_codes (
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    code             TEXT NOT NULL,
    item_id          INTEGER NOT NULL REFERENCES catalog_items(id),
    PRIMARY KEY (organisation_id, code)
);

-- The practice system's patient ids, mapped to patients.
CREATE TABLE pims_patients (
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    pims_patient_id  TEXT NOT NULL,
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    PRIMARY KEY (organisation_id, pims_patient_id)
);

-- One import: a file, a push through the API, a folder pull, a retry.
CREATE TABLE sync_runs (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id        INTEGER NOT NULL REFERENCES clinics(id),
    source           TEXT NOT NULL CHECK (source IN ('upload', 'api', 'folder', 'command', 'retry')),
    file_name        TEXT NOT NULL DEFAULT '',
    actor_name       TEXT NOT NULL,
    started_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    lines_read       INTEGER NOT NULL DEFAULT 0,
    applied          INTEGER NOT NULL DEFAULT 0,
    unchanged        INTEGER NOT NULL DEFAULT 0,
    reversed         INTEGER NOT NULL DEFAULT 0,
    skipped          INTEGER NOT NULL DEFAULT 0,
    over_usage       INTEGER NOT NULL DEFAULT 0,
    exceptions       INTEGER NOT NULL DEFAULT 0,
    errors           INTEGER NOT NULL DEFAULT 0,
    -- A refused file: what to fix, by line and field.
    problem          TEXT NOT NULL DEFAULT '',
    digest           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_runs_organisation ON sync_runs(organisation_id, id);

-- The latest state of every practice-system line seen.
CREATE TABLE pims_lines (
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
);

-- What has been applied per practice-system invoice, patient and item, in
-- smallest units (covered and over-usage together); `draws` numbers the
-- ledger postings made for it, so each has a key of its own.
CREATE TABLE pims_applied (
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    invoice_ref      TEXT NOT NULL,
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    item_id          INTEGER NOT NULL REFERENCES catalog_items(id),
    applied          INTEGER NOT NULL CHECK (applied >= 0),
    draws            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, invoice_ref, patient_id, item_id)
);

-- Units a practice-system invoice used beyond what the plans had left.
CREATE TABLE over_usage (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id        INTEGER NOT NULL REFERENCES clinics(id),
    run_id           INTEGER NOT NULL REFERENCES sync_runs(id),
    invoice_ref      TEXT NOT NULL,
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    item_id          INTEGER NOT NULL REFERENCES catalog_items(id),
    subscription_id  INTEGER REFERENCES subscriptions(id),
    quantity         INTEGER NOT NULL CHECK (quantity >= 0),
    used_on          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'removed')),
    note             TEXT NOT NULL DEFAULT '',
    decided_by       TEXT,
    decided_at       TEXT,
    UNIQUE (organisation_id, invoice_ref, patient_id, item_id)
);

-- Lines that need a person: an unknown code or patient, an item not in the
-- pet's plans, an invoice that returns more than it used.
CREATE TABLE sync_exceptions (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id        INTEGER NOT NULL REFERENCES clinics(id),
    run_id           INTEGER NOT NULL REFERENCES sync_runs(id),
    invoice_ref      TEXT NOT NULL,
    patient_ref      TEXT NOT NULL,
    code             TEXT NOT NULL,
    quantity         INTEGER NOT NULL,
    invoice_date     TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('unknown_code', 'unknown_patient', 'not_in_plan', 'over_return')),
    detail           TEXT NOT NULL,
    resolved_run_id  INTEGER REFERENCES sync_runs(id)
);
CREATE UNIQUE INDEX sync_exceptions_open
    ON sync_exceptions(organisation_id, invoice_ref, patient_ref, code) WHERE resolved_run_id IS NULL;

-- A folder on the server the clinic's practice system drops its exports in;
-- CareCount pulls it every few minutes and on "Sync now".
ALTER TABLE clinics ADD COLUMN sync_folder TEXT NOT NULL DEFAULT '';

-- Tokens for the integration API (/api/v1): shown once, stored as a SHA-256
-- hash, scoped to one organisation and the clinic it was made in.
CREATE TABLE api_tokens (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id        INTEGER NOT NULL REFERENCES clinics(id),
    name             TEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,
    shown_prefix     TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_used_at     TEXT,
    revoked_at       TEXT
);
