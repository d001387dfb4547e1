-- Patients. The FHIR JSON is the record; the other columns are what searches need, kept in step by the service.
CREATE TABLE IF NOT EXISTS patient (
    id            VARCHAR(64)    NOT NULL PRIMARY KEY,
    version_id    BIGINT         NOT NULL,
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    family_lc     VARCHAR(400),
    given_lc      VARCHAR(800),
    birth_date    DATE,
    resource      VARCHAR(2000000) NOT NULL
);
CREATE INDEX IF NOT EXISTS patient_family ON patient (family_lc);
CREATE INDEX IF NOT EXISTS patient_birth_date ON patient (birth_date);

CREATE TABLE IF NOT EXISTS patient_identifier (
    patient_id    VARCHAR(64)    NOT NULL REFERENCES patient (id),
    id_system     VARCHAR(500),
    id_value      VARCHAR(200)   NOT NULL,
    id_type       VARCHAR(20)
);
CREATE INDEX IF NOT EXISTS patient_identifier_value ON patient_identifier (id_value);
CREATE INDEX IF NOT EXISTS patient_identifier_patient ON patient_identifier (patient_id);
