-- A line no mapping will clear (an item the pet's plans rightly do not
-- cover, a return beyond what was used) stayed under "Needs a person" for
-- ever. A manager now closes it with a note; it is kept closed, in the run
-- that opened it, and the same line seen again stays closed.
ALTER TABLE sync_exceptions ADD COLUMN dismissed_note TEXT;
ALTER TABLE sync_exceptions ADD COLUMN dismissed_by_name TEXT;
