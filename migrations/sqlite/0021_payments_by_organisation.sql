-- The lists page counts and lists a group's instalments due and failed.
-- Found through their plans, every instalment of every organisation in the
-- date range was joined to its plan first (on PostgreSQL a hash join over
-- all of them, most of the page's time at a group's size). An instalment
-- belongs to its plan's organisation; the column repeats it, triggers keep
-- it so however an instalment is written, and the index leads with it.
ALTER TABLE payments ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
UPDATE payments SET organisation_id = (SELECT s.organisation_id FROM subscriptions s WHERE s.id = payments.subscription_id);

CREATE TRIGGER payments_organisation_on_insert AFTER INSERT ON payments
WHEN NEW.organisation_id IS NOT (SELECT s.organisation_id FROM subscriptions s WHERE s.id = NEW.subscription_id)
BEGIN
    UPDATE payments SET organisation_id = (SELECT s.organisation_id FROM subscriptions s WHERE s.id = NEW.subscription_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER payments_organisation_on_plan AFTER UPDATE OF subscription_id, organisation_id ON payments
WHEN NEW.organisation_id IS NOT (SELECT s.organisation_id FROM subscriptions s WHERE s.id = NEW.subscription_id)
BEGIN
    UPDATE payments SET organisation_id = (SELECT s.organisation_id FROM subscriptions s WHERE s.id = NEW.subscription_id)
    WHERE id = NEW.id;
END;

DROP INDEX payments_open;
CREATE INDEX payments_open ON payments(organisation_id, status, due_on, subscription_id);
