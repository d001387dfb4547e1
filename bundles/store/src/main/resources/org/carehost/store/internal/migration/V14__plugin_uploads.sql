-- Plugins uploaded over the admin API (issue 19): each bundle jar as it was uploaded, so that a restart or another
-- node sharing the database installs it again. One row per jar; a zip's plugin and its libraries share an upload id.
-- BYTEA is PostgreSQL's binary type and one of H2's names for BINARY VARYING.
CREATE TABLE plugin_upload (
    location      VARCHAR(100)   NOT NULL PRIMARY KEY,
    upload_id     VARCHAR(64)    NOT NULL,
    position      INTEGER        NOT NULL,
    symbolic_name VARCHAR(255)   NOT NULL,
    version       VARCHAR(100)   NOT NULL,
    size_bytes    BIGINT         NOT NULL,
    uploaded_by   VARCHAR(64)    NOT NULL,
    uploaded_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    content       BYTEA          NOT NULL
);

CREATE INDEX plugin_upload_order ON plugin_upload (upload_id, position);
