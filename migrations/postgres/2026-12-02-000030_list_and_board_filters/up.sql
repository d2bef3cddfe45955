-- A licensee's license list filters on status and the validity window and pages by id. With
-- those columns in the index the filters are decided on the index entry, and only the rows
-- returned are read from the table (a partner's licenses lie scattered over the whole table).
DROP INDEX licenses_licensee_id_idx;
CREATE INDEX licenses_licensee_list_idx
    ON licenses (licensee_outlet_id, id, deleted_at, status, valid_from, valid_until);
-- The desk's reprints-per-month chart counts live reprints per day and outlet: with deleted_at in
-- the index the count reads the index alone.
DROP INDEX reprints_reprinted_on_outlet_idx;
CREATE INDEX reprints_reprinted_on_outlet_idx ON reprints (reprinted_on, outlet_id, deleted_at);
ANALYZE licenses;
ANALYZE reprints;
