-- A ledger entry's source key is compared as bytes: an import finds an
-- invoice's postings as the keys from 'pims:…:' up to 'pims:…;', a range
-- that holds only in byte order. A database created with a language's
-- collation (en_US.UTF-8, the usual default, or ICU) sorts ':' and ';' by
-- that language's rules, and the range came back empty: a voided invoice
-- gave nothing back. SQLite compares text as bytes already.
ALTER TABLE usage_ledger ALTER COLUMN source_key TYPE TEXT COLLATE "C";
