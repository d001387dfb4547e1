-- Named locks: one row per name, locked (SELECT ... FOR UPDATE) inside a transaction so that a check and the write it
-- guards are one step for every thread and node (a plugin's quota in a tenant, say: NamedLocks).
CREATE TABLE IF NOT EXISTS store_locks (
    name  VARCHAR(400)  NOT NULL PRIMARY KEY
);
