-- Template management, clinic settings, transfers after a patient dies.

ALTER TABLE plan_templates ADD COLUMN multi_pet_discount_percent TEXT;
-- A Puppy Plan renews into the Adult Dog Plan: the pet has grown up.
ALTER TABLE plan_templates ADD COLUMN renews_into_template_id INTEGER REFERENCES plan_templates(id);
ALTER TABLE plan_templates ADD COLUMN billing_options TEXT NOT NULL DEFAULT 'monthly,advance,third_party,manual';

-- Which clinics offer a template; none listed means all of the organisation's.
CREATE TABLE template_clinics (
    template_id  INTEGER NOT NULL REFERENCES plan_templates(id),
    clinic_id    INTEGER NOT NULL REFERENCES clinics(id),
    PRIMARY KEY (template_id, clinic_id)
);

-- Set when a manager changed the template's price without passing the
-- change on: this contract renews at the price it had.
ALTER TABLE subscriptions ADD COLUMN renewal_price TEXT;
-- A plan whose remaining benefits moved to another pet points at the plan
-- that received them.
ALTER TABLE subscriptions ADD COLUMN transferred_to_subscription_id INTEGER REFERENCES subscriptions(id);

ALTER TABLE clinics ADD COLUMN over_usage_emails TEXT NOT NULL DEFAULT '';
