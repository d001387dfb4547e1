package org.carehost.security.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.sdk.security.Permissions;
import org.carehost.security.Permission;
import org.carehost.security.internal.ApiScanner.Findings;
import org.osgi.framework.Bundle;

/** Inspects plugins (declaration, signature, code) and remembers the result per bundle revision. */
final class Inspector {

    private final ApiScanner scanner;
    private final Path scratchDir;
    private final Map<Long, Inspection> cache = new ConcurrentHashMap<>();
    private volatile TrustStore trustStore;

    Inspector(ApiScanner scanner, Path scratchDir, TrustStore trustStore) {
        this.scanner = scanner;
        this.scratchDir = scratchDir;
        this.trustStore = trustStore;
    }

    /** A new trust store changes who is a trusted signer: every inspection is redone when next needed. */
    void trust(TrustStore store) {
        this.trustStore = store;
        cache.clear();
    }

    TrustStore trustStore() {
        return trustStore;
    }

    void forget(Bundle bundle) {
        cache.remove(bundle.getBundleId());
    }

    Inspection inspect(Bundle bundle) {
        long modified = bundle.getLastModified();
        Inspection known = cache.get(bundle.getBundleId());
        if (known != null && known.lastModified() == modified) {
            return known;
        }
        Inspection fresh = inspectNow(bundle, modified);
        cache.put(bundle.getBundleId(), fresh);
        return fresh;
    }

    private Inspection inspectNow(Bundle bundle, long modified) {
        long declared = 0;
        List<String> unknown = new ArrayList<>();
        String header = bundle.getHeaders("").get(Permissions.HEADER);
        if (header != null) {
            for (String name : header.split(",")) {
                String trimmed = name.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                Permission permission = Permission.named(trimmed).orElse(null);
                if (permission == null) {
                    unknown.add(trimmed);
                } else {
                    declared |= permission.bit();
                }
            }
        }
        BundleEntries entries = BundleEntries.of(bundle);
        SignatureCheck.Result signature;
        try {
            signature = SignatureCheck.verify(entries, scratchDir);
        } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            signature = SignatureCheck.Result.broken("its signature cannot be checked (" + e + ")");
        }
        // Certificates are judged on the day the plugin was installed (or last updated): a vendor certificate that
        // expires later does not stop an installed plugin at the next restart; a new install or update needs a valid one.
        Date installed = new Date(modified > 0 ? modified : System.currentTimeMillis());
        TrustStore.Verdict signer = signature.problem() == null
                ? trustStore.trustedSigner(signature.chains(), installed)
                : new TrustStore.Verdict(null, null);
        Findings findings = scanner.scan(entries);
        List<String> entryPoints;
        try {
            entryPoints = EntryPoints.problems(bundle, entries.files());
        } catch (IOException | RuntimeException e) {
            entryPoints = List.of("its entry points cannot be checked (" + e + ")");
        }
        return new Inspection(modified, declared, unknown, signature.problem(), signer.signer(), signer.problem(),
                signature.signed(), findings, entryPoints);
    }
}
