package org.carehost.catalog.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

import org.carehost.catalog.CatalogException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The configured catalogs: the {@code org.carehost.catalog~<name>} factory configurations (from {@code etc/} or
 * {@code catalog:add}) and the {@link CatalogSource} component each one activates. A change is made in Config Admin,
 * the one path for both, and waited for until the component reflects it.
 */
final class CatalogConfigs {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ConfigurationAdmin configAdmin;
    private final List<CatalogSource> sources = new ArrayList<>();
    /** Configurations whose component did not come within {@link #current}'s bound (guarded by this). */
    private final java.util.Set<String> notTaken = new java.util.HashSet<>();
    private static final long SETTLE_SECONDS = 10;

    CatalogConfigs(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    synchronized void added(CatalogSource source) {
        sources.add(source);
        notTaken.remove(source.pid());
        notifyAll();
    }

    synchronized void removed(CatalogSource source) {
        sources.remove(source);
        notifyAll();
    }

    synchronized List<CatalogSource> sources() {
        return List.copyOf(sources);
    }

    /**
     * The catalogs as configured now: every catalog configuration in Config Admin, waiting (at most
     * {@value #SETTLE_SECONDS} s) for the {@link CatalogSource} of each one that has none yet. A configuration reaches
     * its component on other threads (Config Admin's events, then Service Component Runtime's), so a command right
     * after a file in {@code etc/} was read, or right after a start, would otherwise not see that catalog. A
     * configuration whose component did not come within the bound is not waited for again.
     */
    List<CatalogSource> current() {
        java.util.Set<String> configured = new java.util.HashSet<>();
        try {
            Configuration[] found = configAdmin.listConfigurations(
                    "(service.factoryPid=" + CatalogConfiguration.FACTORY_PID + ")");
            for (Configuration configuration : found == null ? new Configuration[0] : found) {
                configured.add(configuration.getPid());
            }
        } catch (IOException | InvalidSyntaxException e) {
            return sources();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        synchronized (this) {
            configured.removeAll(notTaken);
            while (true) {
                java.util.Set<String> missing = new java.util.HashSet<>(configured);
                sources.forEach(source -> missing.remove(source.pid()));
                long left = deadline - System.nanoTime();
                if (missing.isEmpty() || left <= 0) {
                    notTaken.addAll(missing);
                    return List.copyOf(sources);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.copyOf(sources);
                }
            }
        }
    }

    static String pid(String name) {
        return CatalogConfiguration.FACTORY_PID + "~" + name;
    }

    CatalogSource add(String name, String url, List<String> trust) throws CatalogException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CatalogException("'" + name + "' is not a valid catalog name: use letters, digits, . _ - "
                    + "(at most 64, starting with a letter or digit).");
        }
        for (CatalogSource existing : sources()) {
            if (existing.name().equalsIgnoreCase(name) && existing.file() != null) {
                throw new CatalogException("Catalog " + name + " comes from " + existing.file()
                        + "; edit that file to change it (Carehost does not rewrite your files in etc/).");
            }
        }
        url = Fetcher.normalize(url);
        Fetcher.check(url);
        List<String> signers = trust == null || trust.isEmpty() ? List.of("*") : trust;
        for (String signer : signers) {
            if (!"*".equals(signer)) {
                try {
                    new X500Principal(signer);
                } catch (IllegalArgumentException e) {
                    throw new CatalogException("'" + signer + "' is not a signer's distinguished name (like "
                            + "\"CN=Acme Labs,O=Acme\") nor *.");
                }
            }
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("url", url.trim());
        properties.put("trust", signers.toArray(new String[0]));
        try {
            Configuration configuration = configAdmin.getFactoryConfiguration(CatalogConfiguration.FACTORY_PID, name, "?");
            configuration.update(properties);
        } catch (IOException e) {
            throw new CatalogException("The catalog was not saved: " + e.getMessage(), e);
        }
        return awaitSource(pid(name), url.trim(), signers);
    }

    void remove(String name) throws CatalogException {
        CatalogSource source = find(name);
        if (source.file() != null) {
            throw new CatalogException("Catalog " + name + " comes from " + source.file()
                    + "; delete that file to remove it (Carehost does not rewrite your files in etc/).");
        }
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + source.pid() + ")");
            if (found == null) {
                throw new CatalogException("Catalog " + name + " has no configuration to remove.");
            }
            for (Configuration configuration : found) {
                configuration.delete();
            }
        } catch (IOException | InvalidSyntaxException e) {
            throw new CatalogException("Catalog " + name + " was not removed: " + e.getMessage(), e);
        }
        awaitGone(source);
    }

    CatalogSource find(String name) throws CatalogException {
        for (CatalogSource source : sources()) {
            if (source.name().equalsIgnoreCase(name)) {
                return source;
            }
        }
        throw new CatalogException("No catalog named '" + name + "' (catalog:list shows them).");
    }

    private synchronized CatalogSource awaitSource(String pid, String url, List<String> trust) throws CatalogException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            for (CatalogSource source : sources) {
                if (source.pid().equals(pid) && source.url().equals(url) && source.trust().equals(trust)) {
                    return source;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new CatalogException("The catalog's configuration " + pid + " is saved, but the catalog did not "
                        + "become active within 30 s; see the log (is Config Admin running?).");
            }
            waitNanos(left);
        }
    }

    private synchronized void awaitGone(CatalogSource source) throws CatalogException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (sources.contains(source)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new CatalogException("The configuration of catalog " + source.name() + " is deleted, but the "
                        + "catalog is still active after 30 s; see the log.");
            }
            waitNanos(left);
        }
    }

    private void waitNanos(long nanos) throws CatalogException {
        try {
            TimeUnit.NANOSECONDS.timedWait(this, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("Interrupted while waiting for the catalog configuration to take effect.", e);
        }
    }
}
