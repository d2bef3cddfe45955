-- Lists filter by one outlet and page by id: these indexes serve both at once.
CREATE INDEX licenses_licensee_id_idx ON licenses (licensee_outlet_id, id);
CREATE INDEX licenses_grantor_id_idx ON licenses (grantor_outlet_id, id);
CREATE INDEX reprints_outlet_id_idx ON reprints (outlet_id, id);
CREATE INDEX articles_source_id_idx ON articles (source_outlet_id, id);
