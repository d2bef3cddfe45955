-- The desk's board: reprints per month (by day, then outlet) and the uncovered ones (by verdict,
-- paged by id) without reading every reprint.
CREATE INDEX reprints_reprinted_on_outlet_idx ON reprints (reprinted_on, outlet_id);
CREATE INDEX reprints_compliance_id_idx ON reprints (compliance, id);
