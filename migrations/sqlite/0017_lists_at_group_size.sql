-- A group of clinics holds a hundred thousand patients: the patient list is
-- read a page at a time, in name order, and counted per organisation, so
-- those reads walk one index instead of joining every patient to its owner.
-- A patient belongs to its owner's organisation; the column repeats it, and
-- triggers keep it so for every way a patient is written.
ALTER TABLE patients ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
UPDATE patients SET organisation_id = (SELECT c.organisation_id FROM clients c WHERE c.id = patients.client_id);

CREATE TRIGGER patients_organisation_on_insert AFTER INSERT ON patients
BEGIN
    UPDATE patients SET organisation_id = (SELECT c.organisation_id FROM clients c WHERE c.id = NEW.client_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER patients_organisation_on_owner AFTER UPDATE OF client_id, organisation_id ON patients
WHEN NEW.organisation_id IS NOT (SELECT c.organisation_id FROM clients c WHERE c.id = NEW.client_id)
BEGIN
    UPDATE patients SET organisation_id = (SELECT c.organisation_id FROM clients c WHERE c.id = NEW.client_id)
    WHERE id = NEW.id;
END;

CREATE INDEX patients_by_name ON patients(organisation_id, name COLLATE NOCASE, id);
CREATE INDEX clients_organisation ON clients(organisation_id);
-- Counting the patients a plan covers today reads this index alone.
CREATE INDEX subscriptions_organisation ON subscriptions(organisation_id, status, starts_on, ends_on, patient_id, client_id);
-- The lists page: plans newest first, instalments due soonest first.
CREATE INDEX subscriptions_by_start ON subscriptions(organisation_id, starts_on, id);
CREATE INDEX payments_open ON payments(status, due_on, subscription_id);
