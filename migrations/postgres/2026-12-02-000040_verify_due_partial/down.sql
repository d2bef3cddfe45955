DROP INDEX reprints_verify_due_idx;
CREATE INDEX reprints_verify_due_idx ON reprints (verify_due_on);
