-- A licensee's license list filters on status and the validity window and pages by id. With
-- those columns in the index the filters are decided on the index entry, and only the rows
-- returned are read from the table (a partner's licenses lie scattered over the whole table).
DROP INDEX licenses_licensee_id_idx;
CREATE INDEX licenses_licensee_list_idx
    ON licenses (licensee_outlet_id, id, deleted_at, status, valid_from, valid_until);
