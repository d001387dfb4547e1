-- Failed logins per source address (issue 19), kept in the store so that an address locked on one node is locked on
-- every node sharing the database. One row per address: the failures of its current window (from window_start, the
-- lockout period long) and, once they reach the limit, until when the address is refused. Rows of windows long over
-- are deleted by the operators bundle as it goes.
CREATE TABLE operator_source_lock (
    address VARCHAR(100) NOT NULL PRIMARY KEY,
    window_start TIMESTAMP WITH TIME ZONE NOT NULL,
    failures INTEGER NOT NULL,
    locked_until TIMESTAMP WITH TIME ZONE
);

CREATE INDEX operator_source_lock_window ON operator_source_lock (window_start);
