-- Each archiving run: records up to last_seq went to the named file, the last of them with last_hash.
-- Verification of what stays in audit_record starts after the newest row here.
CREATE TABLE IF NOT EXISTS audit_archive (
    last_seq      BIGINT         NOT NULL PRIMARY KEY,
    last_hash     VARCHAR(64)    NOT NULL,
    first_seq     BIGINT         NOT NULL,
    archived_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    archive_file  VARCHAR(1000)  NOT NULL
);
