-- Operator accounts (issue 19): who may operate the container, their credentials and their lockout.
-- Passwords as PBKDF2-HMAC-SHA256 strings, tokens and recovery codes as SHA-256 hex, never in clear.
CREATE TABLE operator_account (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    roles VARCHAR(200) NOT NULL,
    tenants VARCHAR(4000) NOT NULL,
    password_hash VARCHAR(300) NOT NULL,
    disabled BOOLEAN NOT NULL,
    totp_secret VARCHAR(64),
    totp_last_step BIGINT,
    failed_count INTEGER NOT NULL,
    locked_until TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE operator_token (
    id VARCHAR(32) NOT NULL PRIMARY KEY,
    account VARCHAR(64) NOT NULL REFERENCES operator_account (name),
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    label VARCHAR(200) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE
);

CREATE TABLE operator_key (
    account VARCHAR(64) NOT NULL REFERENCES operator_account (name),
    fingerprint VARCHAR(100) NOT NULL,
    key_type VARCHAR(100) NOT NULL,
    key_blob VARCHAR(8000) NOT NULL,
    comment_text VARCHAR(200) NOT NULL,
    added_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (account, fingerprint)
);

CREATE TABLE operator_recovery_code (
    account VARCHAR(64) NOT NULL REFERENCES operator_account (name),
    code_hash VARCHAR(64) NOT NULL,
    used_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (account, code_hash)
);
