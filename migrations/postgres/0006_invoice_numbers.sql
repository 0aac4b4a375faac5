-- The last invoice number given, per organisation and year (as
-- migrations/sqlite/0022): finalizing takes the next one in one statement,
-- which holds the row's lock until the commit, instead of an advisory lock
-- and then the largest number so far.
CREATE TABLE invoice_numbers (
    organisation_id  BIGINT NOT NULL REFERENCES organisations(id),
    number_year      BIGINT NOT NULL,
    last_seq         BIGINT NOT NULL CHECK (last_seq > 0),
    PRIMARY KEY (organisation_id, number_year)
);
INSERT INTO invoice_numbers (organisation_id, number_year, last_seq)
SELECT organisation_id, number_year, MAX(number_seq) FROM invoices
WHERE number_seq IS NOT NULL GROUP BY organisation_id, number_year;
