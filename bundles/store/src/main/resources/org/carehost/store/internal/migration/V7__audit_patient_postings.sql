-- The audit trail's patient index, kept apart from audit_record: a B-tree index on patient_id took every new
-- record to a random leaf, which made it most of the cost of writing the trail. Postings are instead added in
-- sorted runs (audit_posting_run marks how far they reach); newer records are found by a scan of the rest.
CREATE TABLE IF NOT EXISTS audit_patient_posting (
    patient_id     VARCHAR(100)   NOT NULL,
    seq            BIGINT         NOT NULL,
    PRIMARY KEY (patient_id, seq)
);
CREATE TABLE IF NOT EXISTS audit_posting_run (
    last_seq       BIGINT         NOT NULL PRIMARY KEY
);
INSERT INTO audit_patient_posting (patient_id, seq) SELECT patient_id, seq FROM audit_record WHERE patient_id IS NOT NULL;
INSERT INTO audit_posting_run (last_seq) SELECT COALESCE(MAX(seq), 0) FROM audit_record;
DROP INDEX IF EXISTS audit_patient;
