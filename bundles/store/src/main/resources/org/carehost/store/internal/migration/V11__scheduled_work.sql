-- Plugins' scheduled jobs: one-off (cron null) or cron, due at due_at; a node runs one after claiming it (state
-- RUNNING until claim_until) with a compare-and-set on version_id, so that one node runs each.
CREATE TABLE IF NOT EXISTS scheduled_work (
    id            VARCHAR(64)    NOT NULL PRIMARY KEY,
    plugin        VARCHAR(255)   NOT NULL,
    tenant        VARCHAR(64)    NOT NULL,
    purpose       VARCHAR(32)    NOT NULL,
    task          VARCHAR(200)   NOT NULL,
    cron          VARCHAR(200),
    payload       VARCHAR(2000000),
    due_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    state         VARCHAR(16)    NOT NULL,
    attempts      INTEGER        NOT NULL,
    claim_until   TIMESTAMP WITH TIME ZONE,
    claimed_by    VARCHAR(200),
    last_error    VARCHAR(2000),
    version_id    BIGINT         NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS scheduled_work_due ON scheduled_work (state, due_at);

-- Settings per tenant, by name (the scheduler's time-zone, for one).
CREATE TABLE IF NOT EXISTS tenant_setting (
    tenant        VARCHAR(64)    NOT NULL REFERENCES tenant (id),
    name          VARCHAR(100)   NOT NULL,
    setting       VARCHAR(500)   NOT NULL,
    PRIMARY KEY (tenant, name)
);
