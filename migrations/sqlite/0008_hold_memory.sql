-- What a hold remembers: the status the plan had when the hold began (a
-- resume goes back to it) and whether the hold is because the patient
-- died (such a plan is never resumed; its benefits may move to another pet).
ALTER TABLE subscriptions ADD COLUMN hold_prior_status TEXT
    CHECK (hold_prior_status IS NULL OR hold_prior_status IN ('pending', 'active', 'past_due'));
ALTER TABLE subscriptions ADD COLUMN held_for_death INTEGER NOT NULL DEFAULT 0 CHECK (held_for_death IN (0, 1));

-- Plans on hold before this: a plan billed by instalments with nothing paid
-- yet was still pending; any other was running (a resume made it active).
UPDATE subscriptions SET hold_prior_status =
    CASE WHEN billing IN ('monthly', 'advance')
              AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.subscription_id = subscriptions.id AND p.status = 'paid')
         THEN 'pending' ELSE 'active' END
WHERE status = 'on_hold';

-- A wellness plan on hold whose patient has died was held for the death.
UPDATE subscriptions SET held_for_death = 1
WHERE status = 'on_hold' AND kind = 'wellness'
  AND EXISTS (SELECT 1 FROM patients p WHERE p.id = subscriptions.patient_id AND p.deceased_on IS NOT NULL);
