-- The last invoice number given, per organisation and year. Finalizing
-- takes the next one in one statement that also holds it until the commit
-- (on PostgreSQL the row's lock), where it took a lock and then the largest
-- number so far: two finalizes of an organisation take turns for the
-- numbers, and each now holds them for a round trip less. Numbers still run
-- without gaps, and the unique index on invoices still refuses a repeat.
CREATE TABLE invoice_numbers (
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    number_year      INTEGER NOT NULL,
    last_seq         INTEGER NOT NULL CHECK (last_seq > 0),
    PRIMARY KEY (organisation_id, number_year)
);
INSERT INTO invoice_numbers (organisation_id, number_year, last_seq)
SELECT organisation_id, number_year, MAX(number_seq) FROM invoices
WHERE number_seq IS NOT NULL GROUP BY organisation_id, number_year;
