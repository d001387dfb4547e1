-- The audit trail: append-only, one row per record, each chained to the one before by prev_hash/hash.
CREATE TABLE IF NOT EXISTS audit_record (
    seq            BIGINT         NOT NULL PRIMARY KEY,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    node           VARCHAR(100)   NOT NULL,
    plugin         VARCHAR(200)   NOT NULL,
    plugin_version VARCHAR(100),
    user_id        VARCHAR(200),
    purpose        VARCHAR(50),
    action         VARCHAR(1)     NOT NULL,
    operation      VARCHAR(100)   NOT NULL,
    resource_type  VARCHAR(50),
    resource_id    VARCHAR(100),
    patient_id     VARCHAR(100),
    query_text     VARCHAR(2000),
    outcome        VARCHAR(10)    NOT NULL,
    reason         VARCHAR(1000),
    prev_hash      VARCHAR(64)    NOT NULL,
    hash           VARCHAR(64)    NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_patient ON audit_record (patient_id);
CREATE INDEX IF NOT EXISTS audit_plugin ON audit_record (plugin);
CREATE INDEX IF NOT EXISTS audit_recorded ON audit_record (recorded_at);
