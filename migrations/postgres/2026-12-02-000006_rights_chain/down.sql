ALTER TABLE licenses DROP COLUMN tdm_policy_url;
ALTER TABLE licenses DROP COLUMN data_mining;
ALTER TABLE articles DROP COLUMN tdm_policy_url;
ALTER TABLE articles DROP COLUMN data_mining;
DROP INDEX licenses_upstream_idx;
ALTER TABLE licenses DROP COLUMN upstream_license_id;
ALTER TABLE articles DROP COLUMN original_outlet_id;
