-- A kept practice-system invoice's lines and applied amounts become arrays
-- of arrays instead of arrays of objects:
--   lines:   [[line, date, patient, code, quantity, status], ...]
--   applied: [[patient, item, applied, draws], ...]
-- The same facts in half the bytes. An import writes the row of every
-- invoice it changes, and the field names were half of what it wrote.
UPDATE pims_invoices SET
    lines = (SELECT json_group_array(json_array(j.value ->> 'line', j.value ->> 'date', j.value ->> 'patient',
                                                j.value ->> 'code', j.value ->> 'quantity', j.value ->> 'status'))
             FROM json_each(pims_invoices.lines) AS j),
    applied = (SELECT json_group_array(json_array(j.value ->> 'patient', j.value ->> 'item', j.value ->> 'applied',
                                                  j.value ->> 'draws'))
               FROM json_each(pims_invoices.applied) AS j);
