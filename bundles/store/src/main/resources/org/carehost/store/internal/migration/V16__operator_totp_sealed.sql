-- TOTP secrets sealed at rest (issue 19): a sealed value ("c1.<key id>." + base64url of IV, ciphertext and tag) is
-- longer than the base32 secret the column was sized for. Secrets stored in clear are sealed by the operators bundle
-- when it starts (SealedTotpSecrets).
ALTER TABLE operator_account ALTER COLUMN totp_secret SET DATA TYPE VARCHAR(400);
