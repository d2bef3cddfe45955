-- Rights chain: the outlet an article was first published by (its rights holder when set), and
-- the upstream license a license rests on. Existing rows keep NULL: their licenses, granted by
-- the article's source, stay valid.
ALTER TABLE articles ADD COLUMN original_outlet_id BIGINT;
ALTER TABLE licenses ADD COLUMN upstream_license_id BIGINT;
CREATE INDEX licenses_upstream_idx ON licenses (upstream_license_id);

-- Text and data mining, AI training (IPTC PLUS data-mining values; NULL on an article: the
-- default from its permission kind).
ALTER TABLE articles ADD COLUMN data_mining TEXT;
ALTER TABLE articles ADD COLUMN tdm_policy_url TEXT;
ALTER TABLE licenses ADD COLUMN data_mining TEXT NOT NULL DEFAULT 'unspecified';
ALTER TABLE licenses ADD COLUMN tdm_policy_url TEXT;
