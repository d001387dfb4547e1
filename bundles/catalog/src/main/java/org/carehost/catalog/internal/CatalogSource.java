package org.carehost.catalog.internal;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.carehost.catalog.CatalogException;
import org.osgi.resource.Resource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One configured catalog (a factory configuration {@code org.carehost.catalog~<name>}): its index, read when first
 * needed and kept for {@code cacheSeconds} (a {@code file:} index until the file changes), and its trust setting.
 */
@Component(service = CatalogSource.class, configurationPid = CatalogConfiguration.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CatalogConfiguration.class, factory = true)
public final class CatalogSource {

    /** A read of the index: its resources, or the problem that kept it from being read. */
    record Snapshot(CatalogSource source, List<Resource> resources, String problem) {
    }

    private final String name;
    private final String pid;
    private final String url;
    private final String file;
    private final List<String> trust;
    private final long cacheNanos;
    private final Fetcher fetcher;
    private Snapshot last;
    private long readAt;
    private long fileStamp;

    @Activate
    public CatalogSource(CatalogConfiguration config, java.util.Map<String, Object> properties) {
        this.pid = String.valueOf(properties.get("service.pid"));
        String configured = config.name() == null ? "" : config.name().trim();
        int tilde = pid.indexOf('~');
        this.name = !configured.isEmpty() ? configured : tilde >= 0 ? pid.substring(tilde + 1) : pid;
        this.url = config.url() == null ? "" : config.url().trim();
        Object fromFile = properties.get("felix.fileinstall.filename");
        this.file = fromFile == null ? null : fromFile.toString();
        List<String> signers = new ArrayList<>();
        for (String signer : config.trust() == null ? new String[0] : config.trust()) {
            if (signer != null && !signer.isBlank()) {
                signers.add(signer.trim());
            }
        }
        this.trust = List.copyOf(signers);
        this.cacheNanos = Math.max(0, config.cacheSeconds()) * 1_000_000_000L;
        this.fetcher = new Fetcher();
    }

    String name() {
        return name;
    }

    String pid() {
        return pid;
    }

    /** The index URL as configured, credentials included: for reading it, never for showing it. */
    String url() {
        return url;
    }

    /** The index URL as listings, problems and audit records show it ({@link ShownUrls}). */
    String shownUrl() {
        return ShownUrls.shown(url);
    }

    /** The {@code etc/} file this catalog's configuration comes from, or null when it was added in the shell. */
    String file() {
        return file;
    }

    List<String> trust() {
        return trust;
    }

    Fetcher fetcher() {
        return fetcher;
    }

    /** Whether this catalog may offer a bundle signed by {@code signer} ({@code null}: unsigned). */
    boolean trusts(String signer) {
        if (trust.contains("*")) {
            return true;
        }
        return signer != null && trust.stream().anyMatch(t -> Signers.sameName(t, signer));
    }

    /** The index as last read, read again when stale. Never throws: a problem is in the snapshot. */
    synchronized Snapshot snapshot(boolean fresh) {
        long stamp = fileStamp();
        if (last != null && !fresh && System.nanoTime() - readAt < cacheNanos && stamp == fileStamp) {
            return last;
        }
        try {
            URI uri = Fetcher.check(url);
            Fetcher.Body index = fetcher.read(uri, Fetcher.MAX_INDEX_BYTES);
            // relative content URLs resolve against where the index was found (after redirects)
            List<Resource> resources = IndexReader.parse(index.data(), index.from());
            last = new Snapshot(this, resources, null);
        } catch (CatalogException e) {
            last = new Snapshot(this, List.of(), ShownUrls.scrub(e.getMessage(), url));
        } catch (RuntimeException e) {
            last = new Snapshot(this, List.of(), ShownUrls.scrub("cannot read " + url + ": " + e, url));
        }
        readAt = System.nanoTime();
        fileStamp = stamp;
        return last;
    }

    private long fileStamp() {
        if (!url.regionMatches(true, 0, "file:", 0, 5)) {
            return 0;
        }
        try {
            Path path = Paths.get(new URI(url));
            return Files.getLastModifiedTime(path).toMillis() ^ Files.size(path);
        } catch (Exception e) {
            return -1;
        }
    }
}
