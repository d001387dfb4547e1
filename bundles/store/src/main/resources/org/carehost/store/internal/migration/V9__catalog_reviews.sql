-- Ratings (1 to 5) and reviews of plugin versions from the plugin catalog, per tenant (hospital): one per author
-- and version; a second review by the same author replaces the first.
CREATE TABLE IF NOT EXISTS catalog_review (
    tenant        VARCHAR(64)    NOT NULL,
    plugin        VARCHAR(200)   NOT NULL,
    version       VARCHAR(100)   NOT NULL,
    author        VARCHAR(200)   NOT NULL,
    rating        INTEGER        NOT NULL CHECK (rating BETWEEN 1 AND 5),
    review        VARCHAR(2000)  NOT NULL,
    reviewed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant, plugin, version, author)
);
