DROP INDEX licenses_licensee_list_idx;
CREATE INDEX licenses_licensee_id_idx ON licenses (licensee_outlet_id, id);
