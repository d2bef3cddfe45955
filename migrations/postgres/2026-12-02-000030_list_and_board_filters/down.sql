DROP INDEX licenses_licensee_list_idx;
CREATE INDEX licenses_licensee_id_idx ON licenses (licensee_outlet_id, id);
DROP INDEX reprints_reprinted_on_outlet_idx;
CREATE INDEX reprints_reprinted_on_outlet_idx ON reprints (reprinted_on, outlet_id);
