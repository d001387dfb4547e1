-- Which plugin a name that plugins serve is: a notification channel, an adapter's system (ServedNames). The first
-- plugin that served it keeps it while it is installed, stopped or not, so another plugin cannot take its
-- notifications or records while it is stopped, quarantined or refused (red team 21).
CREATE TABLE IF NOT EXISTS served_names (
    kind    VARCHAR(16)   NOT NULL,
    name    VARCHAR(100)  NOT NULL,
    plugin  VARCHAR(255)  NOT NULL,
    CONSTRAINT served_names_pk PRIMARY KEY (kind, name)
);
