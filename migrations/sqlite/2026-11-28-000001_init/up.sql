-- rightsdesk schema, SQLite flavour. Keep column names, types and nullability
-- identical to migrations/postgres (tests/schema.rs checks it).
CREATE TABLE outlets (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    country TEXT,
    contact_emails TEXT NOT NULL DEFAULT '[]',
    notes TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX outlets_name_idx ON outlets (name);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    outlet_id BIGINT REFERENCES outlets (id),
    active BOOLEAN NOT NULL DEFAULT 1,
    token_generation INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    source_outlet_id BIGINT NOT NULL REFERENCES outlets (id),
    title TEXT NOT NULL,
    byline TEXT,
    url TEXT,
    published_on DATE,
    external_id TEXT,
    copyright_line TEXT,
    copyright_holder TEXT,
    copyright_year_from INTEGER,
    copyright_year_to INTEGER,
    permission_statement TEXT,
    original_publisher TEXT,
    permission_kind TEXT,
    license_name TEXT,
    embargo_until TIMESTAMP,
    text_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE UNIQUE INDEX articles_source_external_id_key ON articles (source_outlet_id, external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX articles_source_published_idx ON articles (source_outlet_id, published_on);
CREATE INDEX articles_text_hash_idx ON articles (text_hash);

CREATE TABLE licenses (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    grantor_outlet_id BIGINT NOT NULL REFERENCES outlets (id),
    licensee_outlet_id BIGINT NOT NULL REFERENCES outlets (id),
    scope TEXT NOT NULL,
    article_id BIGINT REFERENCES articles (id),
    feed_published_from DATE,
    feed_published_until DATE,
    actions TEXT NOT NULL,
    media TEXT NOT NULL,
    territories TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE,
    exclusive BOOLEAN NOT NULL DEFAULT 0,
    credit_line TEXT,
    fee_cents BIGINT,
    currency TEXT,
    max_reprints INTEGER,
    notes TEXT,
    status TEXT NOT NULL,
    status_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX licenses_licensee_article_idx ON licenses (licensee_outlet_id, article_id);
CREATE INDEX licenses_licensee_grantor_idx ON licenses (licensee_outlet_id, grantor_outlet_id, scope);
CREATE INDEX licenses_grantor_idx ON licenses (grantor_outlet_id);
CREATE INDEX licenses_article_idx ON licenses (article_id);
CREATE INDEX licenses_valid_until_idx ON licenses (valid_until);

CREATE TABLE reprints (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id),
    outlet_id BIGINT NOT NULL REFERENCES outlets (id),
    reprinted_on DATE NOT NULL,
    medium TEXT NOT NULL,
    territory TEXT,
    url TEXT,
    credit_line_used TEXT,
    compliance TEXT NOT NULL,
    license_id BIGINT REFERENCES licenses (id),
    reasons TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX reprints_outlet_idx ON reprints (outlet_id, reprinted_on);
CREATE INDEX reprints_article_idx ON reprints (article_id);
CREATE INDEX reprints_license_idx ON reprints (license_id);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    license_id BIGINT NOT NULL REFERENCES licenses (id),
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    lead TEXT NOT NULL,
    expires_on DATE NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TIMESTAMP,
    next_attempt_at TIMESTAMP,
    claimed_by TEXT,
    lease_until TIMESTAMP,
    message_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX notices_license_lead_recipient_key ON notices (license_id, kind, lead, recipient, expires_on);
CREATE INDEX notices_status_idx ON notices (status, next_attempt_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
