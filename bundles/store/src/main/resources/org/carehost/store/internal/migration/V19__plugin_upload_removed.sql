-- Each uninstall of an uploaded plugin's jar (issue 19, review): a tombstone naming exactly the upload removed, by its
-- location (upload:<sha-256 of the jar>) and its upload id (new at each upload, so the same jar uploaded again is
-- another upload). A node uninstalls its copy of an upload only when the store holds a tombstone for that very upload;
-- a plugin_upload row's absence uninstalls nothing (a store that lost rows: another database, an older backup, a
-- replica behind). Kept: one small row per uninstall.
CREATE TABLE plugin_upload_removed (
    location    VARCHAR(100)   NOT NULL,
    upload_id   VARCHAR(64)    NOT NULL,
    removed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (location, upload_id)
);
