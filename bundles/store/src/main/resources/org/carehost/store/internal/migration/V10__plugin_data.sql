-- Plugins' own documents, per plugin and tenant, sealed like resources (the AAD binds each to its row id).
CREATE TABLE IF NOT EXISTS plugin_data (
    id            VARCHAR(64)    NOT NULL PRIMARY KEY,
    plugin        VARCHAR(255)   NOT NULL,
    tenant        VARCHAR(64)    NOT NULL,
    doc_key       VARCHAR(200)   NOT NULL,
    version_id    BIGINT         NOT NULL,
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    size_bytes    INTEGER        NOT NULL,
    resource      VARCHAR(2000000) NOT NULL,
    CONSTRAINT plugin_data_key UNIQUE (plugin, tenant, doc_key)
);
