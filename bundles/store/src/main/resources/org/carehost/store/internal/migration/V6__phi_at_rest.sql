-- PHI at rest. The clinical bundle seals every resource (AES-256-GCM, key outside the database) and stores
-- identifier values as keyed hashes; names are found through keyed hashes of their prefixes, kept here. The
-- plain-text name columns go; rows written before this are sealed by the clinical bundle when it next starts.
CREATE TABLE IF NOT EXISTS patient_name_ix (
    patient_id    VARCHAR(64)    NOT NULL REFERENCES patient (id),
    ix            VARCHAR(100)   NOT NULL
);
CREATE INDEX IF NOT EXISTS patient_name_ix_value ON patient_name_ix (ix);
CREATE INDEX IF NOT EXISTS patient_name_ix_patient ON patient_name_ix (patient_id);
DROP INDEX IF EXISTS patient_family;
ALTER TABLE patient DROP COLUMN IF EXISTS family_lc;
ALTER TABLE patient DROP COLUMN IF EXISTS given_lc;
