-- Appointments, each of one patient.
CREATE TABLE IF NOT EXISTS appointment (
    id            VARCHAR(64)    NOT NULL PRIMARY KEY,
    version_id    BIGINT         NOT NULL,
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    patient_id    VARCHAR(64)    NOT NULL REFERENCES patient (id),
    start_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    end_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    status        VARCHAR(32)    NOT NULL,
    resource      VARCHAR(2000000) NOT NULL
);
CREATE INDEX IF NOT EXISTS appointment_patient_start ON appointment (patient_id, start_at);
CREATE INDEX IF NOT EXISTS appointment_start ON appointment (start_at);
