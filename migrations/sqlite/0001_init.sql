-- CareCount schema (SQLite). Money is TEXT holding an exact decimal; dates are
-- ISO-8601 TEXT; quantities are INTEGER counts of an item's smallest unit.

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE clinics (
    id                  INTEGER PRIMARY KEY,
    organisation_id     INTEGER NOT NULL REFERENCES organisations(id),
    name                TEXT NOT NULL,
    currency            TEXT NOT NULL DEFAULT 'EUR',
    minor_digits        INTEGER NOT NULL DEFAULT 2 CHECK (minor_digits BETWEEN 0 AND 4),
    time_zone           TEXT NOT NULL DEFAULT 'Europe/Amsterdam',
    member_tag_label    TEXT NOT NULL DEFAULT 'Member',
    import_code_prefix  TEXT NOT NULL DEFAULT 'WP',
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    email            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('manager', 'vet', 'receptionist', 'owner')),
    password_hash    TEXT NOT NULL,
    client_id        INTEGER REFERENCES clients(id),
    active           INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK ((role = 'owner') = (client_id IS NOT NULL))
);

CREATE TABLE clients (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id        INTEGER NOT NULL REFERENCES clinics(id),
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    email            TEXT,
    phone            TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE patients (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    name         TEXT NOT NULL,
    species      TEXT NOT NULL CHECK (species IN ('dog', 'cat', 'rabbit', 'other')),
    breed        TEXT,
    sex          TEXT,
    birth_date   TEXT,
    deceased_on  TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX patients_client ON patients(client_id);

CREATE TABLE item_groups (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    name             TEXT NOT NULL,
    -- Items of one group share a smallest unit, so a group benefit counts in it.
    unit_name        TEXT NOT NULL DEFAULT 'unit',
    UNIQUE (organisation_id, name)
);

CREATE TABLE catalog_items (
    id                INTEGER PRIMARY KEY,
    organisation_id   INTEGER NOT NULL REFERENCES organisations(id),
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('service', 'product')),
    unit_name         TEXT NOT NULL,
    subunit_name      TEXT,
    subunit_per_unit  INTEGER CHECK (subunit_per_unit IS NULL OR subunit_per_unit >= 2),
    regular_price     TEXT NOT NULL,
    group_id          INTEGER REFERENCES item_groups(id),
    active            INTEGER NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, code),
    CHECK ((subunit_name IS NULL) = (subunit_per_unit IS NULL))
);

CREATE TABLE plan_templates (
    id                       INTEGER PRIMARY KEY,
    organisation_id          INTEGER NOT NULL REFERENCES organisations(id),
    name                     TEXT NOT NULL,
    kind                     TEXT NOT NULL CHECK (kind IN ('wellness', 'package', 'session_pack')),
    species                  TEXT,
    life_stage               TEXT,
    description              TEXT NOT NULL DEFAULT '',
    price                    TEXT NOT NULL,
    enrollment_fee           TEXT NOT NULL DEFAULT '0',
    term_months              INTEGER CHECK (term_months IS NULL OR term_months > 0),
    auto_renew               INTEGER NOT NULL DEFAULT 0,
    member_discount_percent  TEXT,
    available_from           TEXT,
    available_until          TEXT,
    active                   INTEGER NOT NULL DEFAULT 1,
    created_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE template_benefits (
    id                INTEGER PRIMARY KEY,
    template_id       INTEGER NOT NULL REFERENCES plan_templates(id),
    label             TEXT NOT NULL,
    item_id           INTEGER REFERENCES catalog_items(id),
    group_id          INTEGER REFERENCES item_groups(id),
    limit_quantity    INTEGER CHECK (limit_quantity IS NULL OR limit_quantity >= 0),
    discount_percent  TEXT NOT NULL DEFAULT '100',
    position          INTEGER NOT NULL DEFAULT 0,
    CHECK ((item_id IS NULL) <> (group_id IS NULL))
);

CREATE TABLE subscriptions (
    id                       INTEGER PRIMARY KEY,
    organisation_id          INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id                INTEGER NOT NULL REFERENCES clinics(id),
    template_id              INTEGER NOT NULL REFERENCES plan_templates(id),
    client_id                INTEGER NOT NULL REFERENCES clients(id),
    patient_id               INTEGER REFERENCES patients(id),
    plan_name                TEXT NOT NULL,
    kind                     TEXT NOT NULL CHECK (kind IN ('wellness', 'package', 'session_pack')),
    status                   TEXT NOT NULL CHECK (status IN ('pending', 'active', 'on_hold', 'past_due', 'expired', 'cancelled')),
    starts_on                TEXT NOT NULL,
    ends_on                  TEXT,
    price                    TEXT NOT NULL,
    member_discount_percent  TEXT,
    billing                  TEXT NOT NULL DEFAULT 'monthly' CHECK (billing IN ('monthly', 'advance', 'third_party', 'manual')),
    renews_subscription_id   INTEGER REFERENCES subscriptions(id),
    created_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK (kind <> 'wellness' OR patient_id IS NOT NULL)
);
CREATE INDEX subscriptions_client ON subscriptions(client_id);
CREATE INDEX subscriptions_patient ON subscriptions(patient_id);

-- Benefits are copied when a plan is sold: later template edits never reach
-- a contract already sold.
CREATE TABLE subscription_benefits (
    id                INTEGER PRIMARY KEY,
    subscription_id   INTEGER NOT NULL REFERENCES subscriptions(id),
    label             TEXT NOT NULL,
    item_id           INTEGER REFERENCES catalog_items(id),
    group_id          INTEGER REFERENCES item_groups(id),
    limit_quantity    INTEGER CHECK (limit_quantity IS NULL OR limit_quantity >= 0),
    discount_percent  TEXT NOT NULL,
    position          INTEGER NOT NULL DEFAULT 0,
    CHECK ((item_id IS NULL) <> (group_id IS NULL))
);
CREATE INDEX subscription_benefits_sub ON subscription_benefits(subscription_id);

-- A SOAP note's plan: what the vet intends to do or dispense. Drafts keep the
-- quantity exactly as typed; nothing here touches the ledger.
CREATE TABLE soap_notes (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    visit_date       TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'invoiced')),
    plan_notes       TEXT NOT NULL DEFAULT '',
    invoice_id       INTEGER REFERENCES invoices(id),
    created_by_name  TEXT NOT NULL,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX soap_notes_patient ON soap_notes(patient_id);

CREATE TABLE soap_lines (
    id             INTEGER PRIMARY KEY,
    soap_id        INTEGER NOT NULL REFERENCES soap_notes(id),
    position       INTEGER NOT NULL,
    item_id        INTEGER NOT NULL REFERENCES catalog_items(id),
    quantity_text  TEXT NOT NULL,
    unit_choice    TEXT NOT NULL DEFAULT 'unit' CHECK (unit_choice IN ('unit', 'subunit')),
    UNIQUE (soap_id, position)
);

CREATE TABLE invoices (
    id                   INTEGER PRIMARY KEY,
    organisation_id      INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id            INTEGER NOT NULL REFERENCES clinics(id),
    client_id            INTEGER NOT NULL REFERENCES clients(id),
    number               TEXT UNIQUE,
    status               TEXT NOT NULL CHECK (status IN ('draft', 'finalized', 'voided')),
    invoice_date         TEXT NOT NULL,
    corrects_invoice_id  INTEGER REFERENCES invoices(id),
    created_by_name      TEXT NOT NULL,
    -- The key of the finalize request that won: a retry with it gets the
    -- same answer; any other finalize is refused.
    finalize_key         TEXT,
    finalized_at         TEXT,
    finalized_by_name    TEXT,
    voided_at            TEXT,
    voided_by_name       TEXT,
    void_reason          TEXT,
    -- The coverage as the server computed it when finalizing (JSON).
    coverage_json        TEXT,
    created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX invoices_client ON invoices(client_id);

-- Draft lines keep the text typed; finalizing fills the smallest-unit
-- quantity and freezes the coverage the server computed.
CREATE TABLE invoice_lines (
    id                    INTEGER PRIMARY KEY,
    invoice_id            INTEGER NOT NULL REFERENCES invoices(id),
    position              INTEGER NOT NULL,
    patient_id            INTEGER NOT NULL REFERENCES patients(id),
    item_id               INTEGER NOT NULL REFERENCES catalog_items(id),
    quantity_text         TEXT NOT NULL,
    unit_choice           TEXT NOT NULL DEFAULT 'unit' CHECK (unit_choice IN ('unit', 'subunit')),
    discount_text         TEXT NOT NULL DEFAULT '',
    soap_id               INTEGER REFERENCES soap_notes(id),
    quantity              INTEGER,
    covered_quantity      INTEGER,
    gross                 TEXT,
    discount              TEXT,
    net                   TEXT,
    explanation           TEXT,
    UNIQUE (invoice_id, position)
);

-- Append-only: every use of a benefit, signed, with its cause. A correction
-- is a new row that reverses an earlier one; triggers refuse UPDATE and DELETE.
CREATE TABLE usage_ledger (
    id                        INTEGER PRIMARY KEY,
    subscription_benefit_id   INTEGER NOT NULL REFERENCES subscription_benefits(id),
    patient_id                INTEGER REFERENCES patients(id),
    item_id                   INTEGER REFERENCES catalog_items(id),
    quantity                  INTEGER NOT NULL CHECK (quantity <> 0),
    source_kind               TEXT NOT NULL CHECK (source_kind IN ('invoice_line', 'invoice_void', 'import_line', 'opening_balance', 'manual_adjustment', 'reversal', 'transfer')),
    source_key                TEXT NOT NULL,
    reversal_of               INTEGER REFERENCES usage_ledger(id),
    invoice_line_id           INTEGER REFERENCES invoice_lines(id),
    actor_user_id             INTEGER REFERENCES users(id),
    actor_name                TEXT NOT NULL,
    note                      TEXT NOT NULL DEFAULT '',
    created_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (source_kind, source_key)
);
CREATE INDEX usage_ledger_benefit ON usage_ledger(subscription_benefit_id);
CREATE INDEX usage_ledger_invoice_line ON usage_ledger(invoice_line_id);
CREATE UNIQUE INDEX usage_ledger_one_reversal ON usage_ledger(reversal_of) WHERE reversal_of IS NOT NULL;

CREATE TRIGGER usage_ledger_no_update BEFORE UPDATE ON usage_ledger
BEGIN
    SELECT RAISE(ABORT, 'usage_ledger is append-only: append a reversal instead');
END;
CREATE TRIGGER usage_ledger_no_delete BEFORE DELETE ON usage_ledger
BEGIN
    SELECT RAISE(ABORT, 'usage_ledger is append-only: append a reversal instead');
END;

-- Promotions: a discount on an item or group while they run. The best one
-- competes with member and manual discounts; discounts never stack.
CREATE TABLE promotions (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    label            TEXT NOT NULL,
    item_id          INTEGER REFERENCES catalog_items(id),
    group_id         INTEGER REFERENCES item_groups(id),
    percent          TEXT NOT NULL,
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    CHECK ((item_id IS NULL) <> (group_id IS NULL)),
    CHECK (starts_on <= ends_on)
);

-- Clinic-wide switches (e.g. past_due_usable); one row per setting.
CREATE TABLE settings (
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    key              TEXT NOT NULL,
    value            TEXT NOT NULL,
    PRIMARY KEY (organisation_id, key)
);

CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    actor_user_id    INTEGER REFERENCES users(id),
    actor_name       TEXT NOT NULL,
    action           TEXT NOT NULL,
    entity           TEXT NOT NULL,
    entity_id        INTEGER,
    detail           TEXT NOT NULL DEFAULT '',
    note             TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
