-- What the pet owner is told when the clinic removes a use. The staff's
-- note (`note`) stays internal: it may name a colleague's mistake or a
-- billing detail that is not the owner's business.
ALTER TABLE usage_ledger ADD COLUMN owner_reason TEXT;
