-- A credential stamp per account (redteam-3 item 6): a random value set when the account is made and again at each
-- password change and at each disabling. A browser session, an SSH connection and an API token keep the stamp they were made under and stop
-- working once it is no longer the account's (a password change, or the account removed and made again).
ALTER TABLE operator_account ADD COLUMN credential_stamp BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE operator_token ADD COLUMN account_stamp BIGINT DEFAULT 0 NOT NULL;
-- An account disabled before this version: its sessions and tokens (stamp 0) stay over when it is enabled again.
UPDATE operator_account SET credential_stamp = 1 WHERE disabled = TRUE;
