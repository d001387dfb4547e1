-- Hospitals (tenants). The default tenant serves a single-hospital install and holds the data from before tenants.
CREATE TABLE IF NOT EXISTS tenant (
    id            VARCHAR(64)    NOT NULL PRIMARY KEY,
    name          VARCHAR(200)   NOT NULL,
    created_by    VARCHAR(200)   NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO tenant (id, name, created_by, created_at)
    SELECT 'default', 'Default', 'container', CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM tenant WHERE id = 'default');

-- Which plugins each hospital has enabled, who changed that and when. No row: enabled in 'default' only.
CREATE TABLE IF NOT EXISTS plugin_activation (
    tenant        VARCHAR(64)    NOT NULL REFERENCES tenant (id),
    plugin        VARCHAR(200)   NOT NULL,
    enabled       BOOLEAN        NOT NULL,
    changed_by    VARCHAR(200)   NOT NULL,
    changed_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant, plugin)
);

-- Patients' consent directives: kind 'research' (opt out of research use) or 'plugin' (opt out of the named plugin).
CREATE TABLE IF NOT EXISTS consent_directive (
    tenant        VARCHAR(64)    NOT NULL,
    patient_id    VARCHAR(64)    NOT NULL,
    kind          VARCHAR(20)    NOT NULL,
    plugin        VARCHAR(200)   NOT NULL,
    recorded_by   VARCHAR(200)   NOT NULL,
    recorded_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant, patient_id, kind, plugin)
);

-- Break-glass grants, kept for review: one per emergency declaration, user and patient.
CREATE TABLE IF NOT EXISTS break_glass (
    correlation_id VARCHAR(64)   NOT NULL,
    patient_id    VARCHAR(64)    NOT NULL,
    tenant        VARCHAR(64)    NOT NULL,
    user_id       VARCHAR(64)    NOT NULL,
    plugin        VARCHAR(200)   NOT NULL,
    reason        VARCHAR(500)   NOT NULL,
    opened_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (correlation_id, patient_id)
);
CREATE INDEX IF NOT EXISTS break_glass_opened ON break_glass (opened_at);

ALTER TABLE patient ADD COLUMN IF NOT EXISTS tenant VARCHAR(64) DEFAULT 'default' NOT NULL;
CREATE INDEX IF NOT EXISTS patient_tenant ON patient (tenant);
ALTER TABLE appointment ADD COLUMN IF NOT EXISTS tenant VARCHAR(64) DEFAULT 'default' NOT NULL;
CREATE INDEX IF NOT EXISTS appointment_tenant ON appointment (tenant);

-- The care context of each audit record (null in records from before it existed).
ALTER TABLE audit_record ADD COLUMN IF NOT EXISTS tenant VARCHAR(64);
ALTER TABLE audit_record ADD COLUMN IF NOT EXISTS roles VARCHAR(500);
ALTER TABLE audit_record ADD COLUMN IF NOT EXISTS correlation_id VARCHAR(64);
ALTER TABLE audit_record ADD COLUMN IF NOT EXISTS break_glass VARCHAR(500);
