-- Each failed login of a tracked source address (issue 19, review): the lockout counts the failures of the last
-- lockout period (a sliding window), so that no run of failures across a window's end goes past the limit. Rows older
-- than the period are deleted by the operators bundle as it goes; operator_source_lock keeps one row per tracked
-- address (its count at the last failure and its lock).
CREATE TABLE operator_source_failure (
    address VARCHAR(100) NOT NULL,
    failed_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX operator_source_failure_address ON operator_source_failure (address, failed_at);
CREATE INDEX operator_source_failure_time ON operator_source_failure (failed_at);
