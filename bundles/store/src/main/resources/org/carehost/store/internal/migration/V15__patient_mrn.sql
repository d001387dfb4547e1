-- One patient per medical record number in a tenant (issue 18). Each write of a patient claims its medical record
-- numbers here in the same transaction where no other patient holds them; an import that creates a patient must get
-- the claim, so that two imports of one new number at the same moment cannot both create a patient (the second
-- meets the claim or the primary key, and updates the first one's patient instead, or is refused).
-- id_value is the keyed hash of the number (as in patient_identifier): the database never holds it in the clear.
CREATE TABLE IF NOT EXISTS patient_mrn (
    tenant        VARCHAR(64)    NOT NULL,
    id_system     VARCHAR(500)   NOT NULL,
    id_value      VARCHAR(200)   NOT NULL,
    patient_id    VARCHAR(64)    NOT NULL REFERENCES patient (id),
    PRIMARY KEY (tenant, id_system, id_value)
);
CREATE INDEX IF NOT EXISTS patient_mrn_patient ON patient_mrn (patient_id);
-- The numbers stored before: one claim each (where two patients already share one, the first by id holds it).
INSERT INTO patient_mrn (tenant, id_system, id_value, patient_id)
    SELECT p.tenant, i.id_system, i.id_value, MIN(p.id) FROM patient p JOIN patient_identifier i ON i.patient_id = p.id
    WHERE i.id_type = 'MR' AND i.id_system IS NOT NULL GROUP BY p.tenant, i.id_system, i.id_value;
