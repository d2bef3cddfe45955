-- The notice pass looks up licenses revoked recently (takedowns).
CREATE INDEX licenses_status_updated_idx ON licenses (status, updated_at);
