-- A plan's cancellation terms (the fee and the cooling-off period) are part
-- of what was sold: they were read from the clinic's plan rules at each
-- cancellation, so raising the fee raised it for every plan already sold.
-- Each subscription now keeps the terms of its sale; existing ones take the
-- organisation's terms of today, the ones they were being settled by. A
-- plan written without them (the demo's made-up history) is settled by the
-- rules of the day.
ALTER TABLE subscriptions ADD COLUMN cancellation_fee TEXT;
ALTER TABLE subscriptions ADD COLUMN cooling_off_days BIGINT CHECK (cooling_off_days >= 0);
UPDATE subscriptions SET
    cancellation_fee = COALESCE((SELECT r.value FROM settings r
                                 WHERE r.organisation_id = subscriptions.organisation_id AND r.key = 'cancellation_fee'), '0'),
    cooling_off_days = COALESCE((SELECT CAST(r.value AS BIGINT) FROM settings r
                                 WHERE r.organisation_id = subscriptions.organisation_id AND r.key = 'cooling_off_days'), 14);
