DROP TABLE audit_log;
DROP TABLE notices;
DROP TABLE reprints;
DROP TABLE licenses;
DROP TABLE articles;
DROP TABLE api_keys;
DROP TABLE users;
DROP TABLE outlets;
