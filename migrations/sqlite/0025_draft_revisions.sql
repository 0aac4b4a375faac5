-- Two desks on one draft: a draft invoice or SOAP plan counts its changes,
-- and keeps the mark of the page that made the last one, so that a page
-- opened before another desk's change cannot save over it.
ALTER TABLE invoices ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN last_editor TEXT;
ALTER TABLE soap_notes ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE soap_notes ADD COLUMN last_editor TEXT;
