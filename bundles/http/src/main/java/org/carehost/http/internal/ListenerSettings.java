package org.carehost.http.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The listeners' settings ({@value #PID}) made into Felix HTTP's configuration ({@value #FELIX_PID}), the one place
 * that writes it: plain HTTP on or off, its address and port when set, and HTTPS with a key store checked first
 * ({@link HttpsKeyStore}). A key store that does not open is one error in the log naming the setting to fix. If HTTPS
 * has run with a good key store since this component started, HTTPS keeps that key store (a rotation gone wrong must
 * not take a working listener down; the previous one is checked again first); else (the first start) Felix HTTP gets
 * HTTPS off, plain HTTP as configured. Left at their defaults, the settings write a configuration with no setting in
 * it but this component's mark: Felix HTTP then takes the framework properties ({@code runtime.bndrun}, {@code -D}).
 * A configuration is always written because carehost.jar runs Felix HTTP with
 * {@code org.apache.felix.http.require.config=true}: its bundle's activator then does not start Jetty on the start
 * level's thread (where every later bundle waited for it, 8 to 12 % of a start's CPU samples), Jetty starts when Config
 * Admin delivers this configuration, on Config Admin's own thread. Felix HTTP's configuration is written only when
 * it changes, since each change restarts its listeners.
 * <p>
 * The settings are required: at a first start the deploy watcher delivers {@code etc/org.carehost.http.listener.cfg}
 * at start level 40, after this bundle starts, and a component activated on its defaults meanwhile had Jetty listen,
 * for a moment, on the framework properties' port (8181), one the operator's file did not name. Until the settings
 * arrive Felix HTTP has no configuration, and so no listener. With no such file, {@link ListenerDefaults} gives this a
 * configuration of its defaults.
 * <p>
 * The key store's password goes to Felix HTTP as it stands in {@value #PID}'s configuration: a {@code $[secret:…]} or
 * {@code $[env:…]} there stays a reference in Felix HTTP's stored configuration, resolved when it is delivered.
 */
@Component(immediate = true, service = ConfigurationListener.class, configurationPid = ListenerSettings.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ListenerConfiguration.class)
public final class ListenerSettings implements ConfigurationListener {

    static final String PID = "org.carehost.http.listener";
    static final String FELIX_PID = "org.apache.felix.http";
    /** Marks Felix HTTP's configuration as written here. */
    static final String WRITTEN_BY = "carehost.writtenBy";
    static final String HTTP_ENABLE = "org.apache.felix.http.enable";
    static final String HTTPS_ENABLE = "org.apache.felix.https.enable";
    static final String HOST = "org.apache.felix.http.host";
    static final String PORT = "org.osgi.service.http.port";
    static final String HTTPS_PORT = "org.osgi.service.http.port.secure";
    static final String KEY_STORE = "org.apache.felix.https.keystore";
    static final String KEY_STORE_TYPE = "org.apache.felix.https.keystore.type";
    static final String KEY_STORE_PASSWORD = "org.apache.felix.https.keystore.password";
    static final String KEY_PASSWORD = "org.apache.felix.https.keystore.key.password";
    private static final Set<String> CONFIG_ADMIN_KEYS = Set.of(Constants.SERVICE_PID,
            ConfigurationAdmin.SERVICE_FACTORYPID, ConfigurationAdmin.SERVICE_BUNDLELOCATION);

    /** A key store HTTPS ran with: its file and type, its password as written to Felix HTTP and as delivered. */
    record KeyStoreInUse(Path file, String type, String written, String delivered) {
        /** The file and type only: the passwords are never in a message or a log. */
        @Override
        public String toString() {
            return "KeyStoreInUse[file=" + file + ", type=" + type + "]";
        }
    }

    private final ConfigurationAdmin configAdmin;
    private final Logger log;
    private final Path securityFolder;
    /** The last key store given to Felix HTTP that opened (guarded by this); null before the first. */
    private KeyStoreInUse lastGood;
    /** The settings last applied (guarded by this). */
    private ListenerConfiguration applied;

    @Activate
    public ListenerSettings(@Reference ConfigurationAdmin configAdmin,
            @Reference(service = LoggerFactory.class) Logger log, ListenerConfiguration configuration) {
        this(configAdmin, log, configuration, HttpsKeyStore.SECURITY_FOLDER);
    }

    ListenerSettings(ConfigurationAdmin configAdmin, Logger log, ListenerConfiguration configuration,
            Path securityFolder) {
        this.configAdmin = configAdmin;
        this.log = log;
        this.securityFolder = securityFolder;
        apply(configuration);
    }

    @Modified
    void modified(ListenerConfiguration configuration) {
        apply(configuration);
    }

    /**
     * Felix HTTP's configuration was deleted (an operator's {@code etc/org.apache.felix.http.cfg} removed, or anything
     * else): Felix HTTP stops Jetty and, run with {@code org.apache.felix.http.require.config}, would not start it again
     * until a configuration comes; this writes the container's again.
     */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_DELETED && FELIX_PID.equals(event.getPid())
                && event.getFactoryPid() == null) {
            ListenerConfiguration last;
            synchronized (this) {
                last = applied;
            }
            if (last != null) {
                apply(last);
            }
        }
    }

    private synchronized void apply(ListenerConfiguration configuration) {
        applied = configuration;
        try {
            Optional<Map<String, String>> wanted = felixSettings(configuration);
            Configuration felix = configAdmin.getConfiguration(FELIX_PID, "?");
            Map<String, Object> current = withoutConfigAdminKeys(felix.getProperties());
            if (wanted.isEmpty() && !current.isEmpty() && !PID.equals(current.get(WRITTEN_BY))) {
                return; // a configuration of Felix HTTP's not written here (say, an etc/ file): it starts Jetty itself
            }
            Map<String, String> settings = wanted.orElse(Map.of(WRITTEN_BY, PID));
            if (!settings.equals(current)) {
                felix.update(new Hashtable<>(settings));
                if ("false".equals(settings.get(HTTP_ENABLE)) && "false".equals(settings.get(HTTPS_ENABLE))
                        && !configuration.httpsEnabled()) {
                    // the operator's choice: said here, at INFO (Felix HTTP's own "Jetty not started" WARN is kept
                    // off the console, JettyReports)
                    log.info("HTTP API off: httpEnabled=false and httpsEnabled=false in etc/{}.cfg, so no HTTP "
                            + "listener runs", PID);
                }
                if (wanted.isEmpty() && current.size() > 1 && PID.equals(current.get(WRITTEN_BY))) {
                    log.info("HTTP listeners back to the framework properties ({} at its defaults)", PID);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("Felix HTTP's configuration could not be written from {} ({}): the HTTP listeners keep the "
                    + "settings they have, or, if Felix HTTP has none yet, start on the framework properties; check "
                    + "the configuration store under data/ and etc/{}.cfg", PID, e.toString(), PID);
            atLeastTheMark();
        }
    }

    /**
     * After a failure: Felix HTTP, run with {@code org.apache.felix.http.require.config}, starts Jetty only once it has
     * a configuration, so it gets one with only this component's mark (the framework properties apply) if it has none.
     */
    private void atLeastTheMark() {
        try {
            Configuration felix = configAdmin.getConfiguration(FELIX_PID, "?");
            if (felix.getProperties() == null) {
                felix.update(new Hashtable<>(Map.of(WRITTEN_BY, PID)));
            }
        } catch (IOException | RuntimeException e) {
            log.error("Felix HTTP has no configuration and none could be written ({}): it does not start its listeners "
                    + "until it has one; check the configuration store under data/", e.toString());
        }
    }

    /**
     * Felix HTTP's settings for these; empty when every one is at its default (the framework properties apply: the
     * configuration written then has only the mark).
     */
    private Optional<Map<String, String>> felixSettings(ListenerConfiguration configuration) {
        boolean defaults = configuration.httpEnabled() && !configuration.httpsEnabled()
                && (configuration.address() == null || configuration.address().isBlank()) && configuration.port() == 0;
        if (defaults) {
            lastGood = null;
            return Optional.empty();
        }
        Map<String, String> settings = new HashMap<>();
        settings.put(WRITTEN_BY, PID);
        settings.put(HTTP_ENABLE, String.valueOf(configuration.httpEnabled()));
        if (configuration.address() != null && !configuration.address().isBlank()) {
            settings.put(HOST, configuration.address().trim());
        }
        if (configuration.port() > 0) {
            settings.put(PORT, String.valueOf(configuration.port()));
        }
        if (!configuration.httpsEnabled()) {
            lastGood = null; // HTTPS turned off: a later broken key store has nothing to keep
        }
        KeyStoreInUse keyStore = configuration.httpsEnabled() ? keyStore(configuration) : null;
        if (keyStore != null) {
            settings.put(HTTPS_PORT, String.valueOf(configuration.httpsPort()));
            settings.put(KEY_STORE, keyStore.file().toString());
            settings.put(KEY_STORE_TYPE, keyStore.type());
            settings.put(KEY_STORE_PASSWORD, keyStore.written());
            settings.put(KEY_PASSWORD, keyStore.written());
        }
        settings.put(HTTPS_ENABLE, String.valueOf(keyStore != null));
        return Optional.of(settings);
    }

    /**
     * The key store HTTPS is to use: the configured one when it opens; else the last good one, while it still opens;
     * else none (HTTPS off). One log line either way.
     */
    private KeyStoreInUse keyStore(ListenerConfiguration configuration) {
        Optional<String> problem = HttpsKeyStore.problem(securityFolder, configuration.keyStore(),
                configuration.keyStoreType(), configuration.keyStorePassword());
        if (problem.isEmpty()) {
            lastGood = new KeyStoreInUse(HttpsKeyStore.path(securityFolder, configuration.keyStore()),
                    configuration.keyStoreType().trim(), storedPassword().orElse(configuration.keyStorePassword()),
                    configuration.keyStorePassword());
            log.info("HTTPS on port {} with the key store {}", configuration.httpsPort(), lastGood.file());
            return lastGood;
        }
        if (lastGood != null && HttpsKeyStore.problem(securityFolder, lastGood.file().toString(), lastGood.type(),
                lastGood.delivered()).isEmpty()) {
            log.error("HTTPS key store not changed: {}. The previous key store {} stays in use (HTTPS on port {}) "
                    + "until this is fixed", problem.get(), lastGood.file(), configuration.httpsPort());
            return lastGood;
        }
        lastGood = null;
        log.error("HTTPS is off: {}. {}", problem.get(), configuration.httpEnabled()
                ? "Plain HTTP stays as configured" : "Plain HTTP is off too (httpEnabled=false): no HTTP "
                + "listener runs until this is fixed");
        return null;
    }

    /** The password as it stands in the stored configuration, a {@code $[…]} reference left unresolved. */
    private Optional<String> storedPassword() {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
            if (found != null && found.length == 1 && found[0].getProperties() != null
                    && found[0].getProperties().get("keyStorePassword") instanceof String raw && raw.contains("$[")) {
                return Optional.of(raw);
            }
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            // the delivered (resolved) value is used
        }
        return Optional.empty();
    }

    private static Map<String, Object> withoutConfigAdminKeys(Dictionary<String, Object> properties) {
        Map<String, Object> copy = new HashMap<>();
        if (properties != null) {
            for (String key : Collections.list(properties.keys())) {
                if (!CONFIG_ADMIN_KEYS.contains(key)) {
                    copy.put(key, properties.get(key));
                }
            }
        }
        return copy;
    }
}
