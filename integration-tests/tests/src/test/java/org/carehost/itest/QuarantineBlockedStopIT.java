package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.carehost.audit.AuditLog;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.security.SecurityAdmin;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A plugin with no grants that gets itself quarantined (more threads than its budget) and whose stop never returns,
 * ignoring interrupts (the evil-blocks-stop fixture), holds only the thread its quarantine stops it on: another
 * plugin's run-time refusal is still audited, and its quarantine still stops it. Runs on JDK 17 and, as a second
 * failsafe execution, on JDK 25.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class QuarantineBlockedStopIT {

    private static final String BLOCKER = "org.carehost.fixture.evil.blocks.stop";

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Inject
    PluginManager plugins;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("blocked-stop")};
    }

    @Test
    public void aQuarantinedPluginWhoseStopNeverReturnsHoldsNeitherTheAuditNorLaterQuarantines() throws Exception {
        Bundle other = RuntimeAttacker.running(context, security);
        Bundle blocker = Fixtures.installAsPlugin(context,
                ContainerOptions.bundleFile("carehost-fixture-evil-blocks-stop"));
        blocker.start();
        Await.until("the blocker runs", 20_000, () -> Fixtures.hasFunctionProbe(context, "blocks-stop"));
        CountDownLatch stopping = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            String answer = Fixtures.handProbe(context, "blocks-stop", new Object[] {stopping, release, 40});
            assertTrue("expected the thread over its budget refused: " + answer, answer.contains("denied"));
            awaitAudited(BLOCKER, "quarantined");
            assertTrue("the quarantine's stop of the blocker began", stopping.await(20, TimeUnit.SECONDS));
            assertEquals("its stop does not return", Bundle.STOPPING, blocker.getState());

            // another plugin's run-time refusal is audited all the same
            RuntimeAttacker.assertDenied(Fixtures.applyProbe(context, "runtime", "env:HOME"), "use:env");
            awaitAudited(RuntimeAttacker.BSN, "use:env");

            // and its quarantine stops it
            RuntimeAttacker.assertDenied(Fixtures.applyProbe(context, "runtime", "threads:40"), "threads");
            Await.until("the other plugin quarantined and stopped", 20_000, () -> other.getState() == Bundle.RESOLVED
                    && String.join(" ", whyQuietly(other)).contains("quarantined"));
            awaitAudited(RuntimeAttacker.BSN, "quarantined");
            assertTrue("the blocker's stop holds a thread of its quarantine's own",
                    threadNamed("carehost-quarantine-" + BLOCKER));
        } finally {
            release.countDown();
        }
        Await.until("the blocker's stop returns once released, and its thread ends", 20_000,
                () -> blocker.getState() == Bundle.RESOLVED && !threadNamed("carehost-quarantine-" + BLOCKER));
    }

    private String whyQuietly(Bundle plugin) {
        try {
            return String.join("\n", plugins.why(String.valueOf(plugin.getBundleId())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for a DENIED record of the plugin whose reason holds reasonPart. */
    private void awaitAudited(String plugin, String reasonPart) throws InterruptedException {
        Await.until("a denial of " + plugin + " (" + reasonPart + ") in the audit trail", 10_000, () -> {
            ServiceReference<AuditLog> reference = context.getServiceReference(AuditLog.class);
            AuditLog audit = reference == null ? null : context.getService(reference);
            if (audit == null) {
                return false;
            }
            try {
                for (AuditRecord record : audit.query(new AuditQuery(null, plugin, null, AuditOutcome.DENIED, null,
                        null, 0, 200)).items()) {
                    if (String.valueOf(record.reason()).contains(reasonPart)) {
                        return true;
                    }
                }
                return false;
            } finally {
                context.ungetService(reference);
            }
        });
    }

    private static boolean threadNamed(String name) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name) && thread.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
