-- The notification outbox: a notification is stored (sealed) before send() returns, then delivered through the
-- channel's notifier by the node that claims it (compare-and-set on version_id; a claim expires at claim_until).
CREATE TABLE IF NOT EXISTS outbox (
    id            VARCHAR(64)    NOT NULL PRIMARY KEY,
    plugin        VARCHAR(255)   NOT NULL,
    tenant        VARCHAR(64)    NOT NULL,
    purpose       VARCHAR(32)    NOT NULL,
    channel       VARCHAR(100)   NOT NULL,
    dedupe_key    VARCHAR(200)   NOT NULL,
    message       VARCHAR(2000000) NOT NULL,
    state         VARCHAR(16)    NOT NULL,
    attempts      INTEGER        NOT NULL,
    next_attempt  TIMESTAMP WITH TIME ZONE NOT NULL,
    claim_until   TIMESTAMP WITH TIME ZONE,
    last_error    VARCHAR(2000),
    version_id    BIGINT         NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT outbox_dedupe UNIQUE (plugin, tenant, dedupe_key)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt);
