package org.carehost.itest;

import static org.junit.Assert.assertTrue;

import java.util.List;

import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.security.Permission;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The evil-runtime fixture (a plugin granted use:reflection and use:files that attacks at run time), for the ITs. */
final class RuntimeAttacker {

    static final String BSN = "org.carehost.fixture.evil.runtime";

    private RuntimeAttacker() {
    }

    /** The attacker, installed (granted use:reflection and use:files) and started if it was not, its probe up. */
    static Bundle running(BundleContext context, SecurityAdmin security) throws Exception {
        Bundle plugin = Fixtures.installed(context, BSN).orElse(null);
        if (plugin == null) {
            plugin = Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-evil-runtime"));
            security.grant(BSN, List.of(Permission.USE_REFLECTION, Permission.USE_FILES));
        }
        Bundle attacker = plugin;
        Await.until("the attacker runs", 20_000, () -> {
            if (attacker.getState() != Bundle.ACTIVE) {
                try {
                    attacker.start();
                } catch (org.osgi.framework.BundleException notYet) {
                    return false;
                }
            }
            return Fixtures.hasFunctionProbe(context, "runtime");
        });
        return plugin;
    }

    static void assertDenied(String answer, String reasonPart) {
        assertTrue("expected a denial (" + reasonPart + "): " + answer, answer.startsWith("denied: "));
        assertTrue("expected '" + reasonPart + "' in: " + answer, answer.contains(reasonPart));
    }

    /** How many DENIED records of the attacker's the trail holds whose reason holds reasonPart (at most 10,000). */
    static long deniedRecords(BundleContext context, String reasonPart) {
        org.osgi.framework.ServiceReference<AuditLog> reference = context.getServiceReference(AuditLog.class);
        AuditLog audit = context.getService(reference);
        long found = 0;
        for (int offset = 0; offset < 10_000; offset += 1000) {
            java.util.List<AuditRecord> page = audit.query(new AuditQuery(null, BSN, null, AuditOutcome.DENIED, null,
                    null, offset, 1000)).items();
            found += page.stream().filter(record -> String.valueOf(record.reason()).contains(reasonPart)).count();
            if (page.size() < 1000) {
                break;
            }
        }
        return found;
    }

    /** Waits for a DENIED record of the attacker whose reason holds reasonPart. */
    static void awaitDenialAudited(BundleContext context, String reasonPart) throws InterruptedException {
        awaitDenialAudited(context, BSN, reasonPart);
    }

    /** Waits for a DENIED record of the plugin of that name whose reason holds reasonPart. */
    static void awaitDenialAudited(BundleContext context, String plugin, String reasonPart) throws InterruptedException {
        Await.until("a run-time denial of " + plugin + " (" + reasonPart + ") in the audit trail", 10_000, () -> {
            // looked up each time: a security manager restart (one test makes one) may restart the audit log too
            org.osgi.framework.ServiceReference<AuditLog> reference = context.getServiceReference(AuditLog.class);
            AuditLog audit = reference == null ? null : context.getService(reference);
            if (audit == null) {
                return false;
            }
            for (AuditRecord record : audit.query(new AuditQuery(null, plugin, null, AuditOutcome.DENIED, null, null,
                    0, 200)).items()) {
                if (String.valueOf(record.reason()).contains(reasonPart)) {
                    return true;
                }
            }
            return false;
        });
    }
}
