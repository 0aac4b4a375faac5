-- Every ledger entry is counted on a day. Migration 7 could only add the
-- column as nullable (SQLite adds no NOT NULL column without a default) and
-- guarded it with a trigger, which ran for every entry an import appends.
-- The table is rebuilt with the rule in the column itself, as PostgreSQL's
-- schema has it (migrations/postgres), keeping every entry and its id.
--
-- The old table is renamed first, so that its reference to itself follows
-- it, and the new one's reversals reference the new one.
ALTER TABLE usage_ledger RENAME TO usage_ledger_before;

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
    -- The day the use counts on: a benefit that resets yearly counts by it.
    used_on                   TEXT NOT NULL,
    savings                   TEXT NOT NULL DEFAULT '0',
    owner_reason              TEXT,
    UNIQUE (source_kind, source_key)
);

INSERT INTO usage_ledger (
    id, subscription_benefit_id, patient_id, item_id, quantity, source_kind, source_key, reversal_of,
    invoice_line_id, actor_user_id, actor_name, note, created_at, used_on, savings, owner_reason
)
SELECT id, subscription_benefit_id, patient_id, item_id, quantity, source_kind, source_key, reversal_of,
       invoice_line_id, actor_user_id, actor_name, note, created_at, used_on, savings, owner_reason
FROM usage_ledger_before ORDER BY id;

DROP TABLE usage_ledger_before;

CREATE INDEX usage_ledger_reversal_of ON usage_ledger(reversal_of) WHERE reversal_of IS NOT NULL;
CREATE INDEX usage_ledger_benefit_day ON usage_ledger(subscription_benefit_id, used_on, quantity);
CREATE INDEX usage_ledger_invoice_line ON usage_ledger(invoice_line_id) WHERE invoice_line_id IS NOT NULL;

CREATE TRIGGER usage_ledger_no_update BEFORE UPDATE ON usage_ledger
BEGIN
    SELECT RAISE(ABORT, 'usage_ledger is append-only: append a reversal instead');
END;
CREATE TRIGGER usage_ledger_no_delete BEFORE DELETE ON usage_ledger
BEGIN
    SELECT RAISE(ABORT, 'usage_ledger is append-only: append a reversal instead');
END;
