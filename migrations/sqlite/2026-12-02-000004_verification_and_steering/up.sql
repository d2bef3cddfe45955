-- Reprint verification: the outcome of fetching the reprint's page, and when to look again.
ALTER TABLE reprints ADD COLUMN verified_at TIMESTAMP;
ALTER TABLE reprints ADD COLUMN verify_http_status INTEGER;
ALTER TABLE reprints ADD COLUMN verify_credit_found BOOLEAN;
ALTER TABLE reprints ADD COLUMN verify_link_to_original BOOLEAN;
ALTER TABLE reprints ADD COLUMN verify_canonical_ok BOOLEAN;
ALTER TABLE reprints ADD COLUMN verify_still_online_after_end BOOLEAN;
ALTER TABLE reprints ADD COLUMN verify_error TEXT;
ALTER TABLE reprints ADD COLUMN verify_outcome TEXT;
ALTER TABLE reprints ADD COLUMN verify_due_on DATE;
CREATE INDEX reprints_verify_due_idx ON reprints (verify_due_on);

-- Notices people can steer: lead times per license, contacts with roles, an account manager.
ALTER TABLE licenses ADD COLUMN notice_leads TEXT;
ALTER TABLE outlets ADD COLUMN contacts TEXT;
ALTER TABLE outlets ADD COLUMN account_manager_user_id BIGINT;

CREATE TABLE notice_acknowledgements (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    license_id BIGINT NOT NULL REFERENCES licenses (id),
    until DATE NOT NULL,
    note TEXT,
    by_user_id BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notice_acknowledgements_license_idx ON notice_acknowledgements (license_id, until);
