DROP INDEX articles_source_id_idx;
DROP INDEX reprints_outlet_id_idx;
DROP INDEX licenses_grantor_id_idx;
DROP INDEX licenses_licensee_id_idx;
