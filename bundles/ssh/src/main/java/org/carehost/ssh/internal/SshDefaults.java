package org.carehost.ssh.internal;

import java.util.function.Consumer;

import org.carehost.settings.defaults.DefaultConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Gives {@link SshServerComponent}, which requires its configuration, one of its defaults when the deploy watcher's
 * folders have no {@code org.carehost.ssh.cfg} and Config Admin none from an earlier start ({@link DefaultConfiguration});
 * again when that configuration is deleted (its file removed while the container runs).
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class SshDefaults implements ConfigurationListener {

    private final DefaultConfiguration defaults;
    /** Says what did not start, and how to go on. */
    private final Consumer<Exception> failed;

    @Activate
    public SshDefaults(BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference(service = LoggerFactory.class) Logger log) {
        this.defaults = new DefaultConfiguration(configAdmin, SshServerComponent.PID,
                context.getProperty(DefaultConfiguration.WATCHED_FOLDERS));
        this.failed = e -> failed(log, e);
        defaults.provideOr(failed);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        defaults.deletedOr(event, failed);
    }

    private static void failed(Logger log, Exception e) {
        log.error("SSH shell not started: its configuration of defaults could not be written ({}); write "
                + "etc/{}.cfg (README: Configuration) or check the configuration store under data/", e.toString(),
                SshServerComponent.PID);
    }
}
