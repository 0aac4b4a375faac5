-- Whether a plan renews by itself, and how long it may be put on hold, are
-- part of what was sold: they were read from the template and the clinic's
-- rules of the day, so switching a template's automatic renewal on renewed
-- (and charged) plans whose owners never agreed to it. Each subscription
-- now keeps both; existing ones take today's values, the ones they were
-- being run by. A plan written without them (the demo's made-up history)
-- follows the template and the rules of the day.
ALTER TABLE subscriptions ADD COLUMN auto_renew BIGINT CHECK (auto_renew IN (0, 1));
ALTER TABLE subscriptions ADD COLUMN max_hold_days BIGINT CHECK (max_hold_days >= 0);
UPDATE subscriptions SET
    auto_renew = COALESCE((SELECT t.auto_renew FROM plan_templates t WHERE t.id = subscriptions.template_id), 0),
    max_hold_days = COALESCE((SELECT CAST(r.value AS BIGINT) FROM settings r
                              WHERE r.organisation_id = subscriptions.organisation_id AND r.key = 'max_hold_days'), 90);
