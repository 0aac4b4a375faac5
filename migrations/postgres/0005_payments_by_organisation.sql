-- The lists page counts and lists a group's instalments due and failed.
-- Found through their plans, every instalment of every organisation in the
-- date range was hash-joined to its plan first, most of the page's time at
-- a group's size. An instalment belongs to its plan's organisation; the
-- column repeats it, the trigger keeps it so however an instalment is
-- written, and the index leads with it (as migrations/sqlite/0021).
ALTER TABLE payments ADD COLUMN organisation_id BIGINT REFERENCES organisations(id);
UPDATE payments SET organisation_id = s.organisation_id FROM subscriptions s WHERE s.id = payments.subscription_id;

CREATE FUNCTION payments_organisation_of_plan() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    NEW.organisation_id := (SELECT s.organisation_id FROM subscriptions s WHERE s.id = NEW.subscription_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER payments_organisation BEFORE INSERT OR UPDATE OF subscription_id, organisation_id ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_organisation_of_plan();

DROP INDEX payments_open;
CREATE INDEX payments_open ON payments(organisation_id, status, due_on, subscription_id);
