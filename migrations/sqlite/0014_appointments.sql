-- Appointments and daycare days. A visit attached to a pack holds one of
-- its units while booked or checked in; checking out puts it on the
-- client's draft invoice (invoice_id), which draws it when finalized.
CREATE TABLE appointments (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    clinic_id        INTEGER NOT NULL REFERENCES clinics(id),
    kind             TEXT NOT NULL CHECK (kind IN ('appointment', 'daycare')),
    client_id        INTEGER NOT NULL REFERENCES clients(id),
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    item_id          INTEGER NOT NULL REFERENCES catalog_items(id),
    staff_user_id    INTEGER REFERENCES users(id),
    -- Local time of the clinic, 'YYYY-MM-DD HH:MM:SS'.
    starts_at        TEXT NOT NULL,
    minutes          INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 1440),
    status           TEXT NOT NULL DEFAULT 'booked'
                     CHECK (status IN ('booked', 'checked_in', 'checked_out', 'cancelled', 'no_show')),
    subscription_id  INTEGER REFERENCES subscriptions(id),
    override_note    TEXT NOT NULL DEFAULT '',
    invoice_id       INTEGER REFERENCES invoices(id),
    created_by_name  TEXT NOT NULL,
    checked_in_at    TEXT,
    closed_at        TEXT,
    closed_by_name   TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK ((status = 'checked_out') = (invoice_id IS NOT NULL))
);
CREATE INDEX appointments_day ON appointments(clinic_id, starts_at);
CREATE INDEX appointments_pack ON appointments(subscription_id) WHERE subscription_id IS NOT NULL;
CREATE INDEX appointments_client ON appointments(client_id, starts_at);

-- The pack new appointments of a client take, unless staff pick another.
ALTER TABLE clients ADD COLUMN preferred_pack_id INTEGER REFERENCES subscriptions(id);

-- What a no-show does with the session it held: 'draw' uses it, 'release'
-- gives it back.
ALTER TABLE plan_templates ADD COLUMN no_show TEXT NOT NULL DEFAULT 'release'
    CHECK (no_show IN ('draw', 'release'));
