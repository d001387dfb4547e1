-- A tenant's own audit trail (a plugin's AuditService.query, a hospital admin's trail over HTTP) is read by tenant,
-- newest first: an index on both, so that a small tenant's page and count do not read every other tenant's records.
CREATE INDEX IF NOT EXISTS audit_tenant ON audit_record (tenant, seq);
