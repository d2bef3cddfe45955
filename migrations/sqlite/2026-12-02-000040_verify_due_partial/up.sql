-- Only a reprint with an address has a page check due; the index of due checks holds only those,
-- so recording a reprint without an address writes one index entry fewer. The due-check query's
-- `verify_due_on <= ?` implies `verify_due_on IS NOT NULL`, so both backends still use the index.
DROP INDEX reprints_verify_due_idx;
CREATE INDEX reprints_verify_due_idx ON reprints (verify_due_on) WHERE verify_due_on IS NOT NULL;
