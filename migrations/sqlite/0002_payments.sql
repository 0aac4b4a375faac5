-- Payment schedules and cancellation settlements.

CREATE TABLE payments (
    id                INTEGER PRIMARY KEY,
    subscription_id   INTEGER NOT NULL REFERENCES subscriptions(id),
    number            INTEGER NOT NULL,
    due_on            TEXT NOT NULL,
    amount            TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'paid', 'failed', 'cancelled')),
    paid_on           TEXT,
    method            TEXT CHECK (method IS NULL OR method IN ('cash', 'card', 'transfer')),
    reference         TEXT,
    recorded_by_name  TEXT,
    UNIQUE (subscription_id, number)
);
CREATE INDEX payments_subscription ON payments(subscription_id);

ALTER TABLE subscriptions ADD COLUMN enrollment_fee TEXT NOT NULL DEFAULT '0';
ALTER TABLE subscriptions ADD COLUMN cancelled_on TEXT;
-- The settlement as computed when the plan was cancelled (JSON, with its working).
ALTER TABLE subscriptions ADD COLUMN settlement_json TEXT;
