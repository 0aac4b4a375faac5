-- A kept practice-system invoice's lines and applied amounts become arrays
-- of arrays instead of arrays of objects:
--   lines:   [[line, date, patient, code, quantity, status], ...]
--   applied: [[patient, item, applied, draws], ...]
-- The same facts in half the bytes. An import writes the row of every
-- invoice it changes, and the field names were half of what it wrote.
UPDATE pims_invoices SET
    lines = CAST(COALESCE(
        (SELECT json_agg(json_build_array(e ->> 'line', e ->> 'date', e ->> 'patient', e ->> 'code',
                                          CAST(e ->> 'quantity' AS BIGINT), e ->> 'status') ORDER BY n)
         FROM json_array_elements(CAST(pims_invoices.lines AS JSON)) WITH ORDINALITY AS t(e, n)),
        CAST('[]' AS JSON)) AS TEXT),
    applied = CAST(COALESCE(
        (SELECT json_agg(json_build_array(CAST(e ->> 'patient' AS BIGINT), CAST(e ->> 'item' AS BIGINT),
                                          CAST(e ->> 'applied' AS BIGINT), CAST(e ->> 'draws' AS BIGINT)) ORDER BY n)
         FROM json_array_elements(CAST(pims_invoices.applied AS JSON)) WITH ORDINALITY AS t(e, n)),
        CAST('[]' AS JSON)) AS TEXT);
