-- A plan's balance is the ledger summed per benefit and service day (a
-- yearly benefit counts only its plan year). With the day and quantity in
-- the index, that sum reads the index alone, in order, with no sort: a
-- batch reading ten thousand owners' plans no longer visits a million rows
-- of the table. It replaces the index on the benefit alone, its prefix.
CREATE INDEX usage_ledger_benefit_day ON usage_ledger(subscription_benefit_id, used_on, quantity);
DROP INDEX usage_ledger_benefit;
