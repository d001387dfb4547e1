package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

import javax.inject.Inject;

import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginState;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/** A plugin whose activate blocks for a minute: explained while it blocks, and nothing else waits for it. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BlockingActivateIT {

    @Inject
    BundleContext context;

    @Inject
    PluginManager plugins;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        return new Option[] {ContainerOptions.container(deploy)};
    }

    private static Path fixture(String name) {
        return Paths.get(System.getProperty("carehost.bundles"), name + ".jar");
    }

    @Test
    public void explainedWhileItBlocksAndOthersCarryOn() throws Exception {
        Path deploy = Paths.get(System.getProperty("carehost.deploy"));
        Path partial = deploy.resolveSibling(deploy.getFileName() + "-blocks.partial");
        Files.copy(fixture("carehost-fixture-activate-blocks"), partial, StandardCopyOption.REPLACE_EXISTING);
        long dropped = System.currentTimeMillis();
        Files.move(partial, deploy.resolve("blocks.jar"), StandardCopyOption.ATOMIC_MOVE);

        Await.until("plugin:why says the activate has not returned", 20_000, () -> why().contains("its activate has not returned"));
        assertTrue("seen while it still blocks", System.currentTimeMillis() - dropped < 60_000);

        PluginInfo greeter = plugins.install(fixture("carehost-fixture-greeter-v1").toString());
        assertEquals("other plugins still install and start", PluginState.ACTIVE, greeter.state());
        assertEquals("and run", "hello from v1", Greeters.greeting(context));
    }

    /** The blocked activate runs on the deploy watcher's thread: interrupt it so the framework stops at once. */
    @After
    public void releaseTheBlockedActivate() {
        Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("fileinstall-"))
                .forEach(Thread::interrupt);
    }

    private String why() {
        try {
            return String.join("\n", plugins.why("org.carehost.fixture.blocks"));
        } catch (Exception notYetInstalled) {
            return notYetInstalled.getMessage();
        }
    }
}
