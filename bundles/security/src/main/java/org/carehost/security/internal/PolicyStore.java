package org.carehost.security.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.security.Permission;
import org.carehost.security.SecurityMode;
import org.carehost.security.SecurityStatus;
import org.osgi.service.log.Logger;

/**
 * The policy in force and where it comes from: the policy file and the trust store in {@code etc/security/}.
 * Loads the policy at start (failing closed on an error), re-reads both when a watcher sees either change
 * (once two looks {@link #WATCH_MILLIS} apart see the same files), and writes the operator's edits through {@link PolicyFile}. A policy file with
 * an error is refused whole and the previous policy stays in force.
 */
final class PolicyStore {

    static final long WATCH_MILLIS = 1000;

    private final PolicyFile policyFile;
    private final Path trustDir;
    private final Inspector inspector;
    private final Logger logger;
    /** Told after every new policy, once it is in force: brings the plugins in line. */
    private final Runnable changed;
    private final long watchMillis;
    private final ScheduledExecutorService watcher =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(null, r, "carehost-security-watch", 0, false));

    private volatile Policy policy;
    private volatile ImportRules importRules;
    private volatile String policyError;
    /** The policy was refused at the start, with none before it: nothing is granted until a good one is read. */
    private volatile boolean failedClosed;
    private volatile String watchedState = "";
    /** A state of the files seen by the last look but not yet read (it must hold for one more): the watcher's only. */
    private String settlingState;
    /** Bumped after every policy change, before the change is applied to the plugins' grants. */
    private volatile long version;

    PolicyStore(PolicyFile policyFile, Path trustDir, Inspector inspector, Logger logger, Runnable changed) {
        this(policyFile, trustDir, inspector, logger, changed, WATCH_MILLIS);
    }

    PolicyStore(PolicyFile policyFile, Path trustDir, Inspector inspector, Logger logger, Runnable changed,
            long watchMillis) {
        this.policyFile = policyFile;
        this.trustDir = trustDir;
        this.inspector = inspector;
        this.logger = logger;
        this.changed = changed;
        this.watchMillis = watchMillis;
        loadAtStart();
    }

    Policy policy() {
        return policy;
    }

    ImportRules importRules() {
        return importRules;
    }

    /** Why the policy file was refused (the previous policy, or none, is in force), or null. */
    String error() {
        return policyError;
    }

    long version() {
        return version;
    }

    Path path() {
        return policyFile.path();
    }

    Path trustDir() {
        return trustDir;
    }

    TrustStore trustStore() {
        return inspector.trustStore();
    }

    /** The policy's side of {@code security:status}, with the plugin counts the caller made. */
    SecurityStatus status(int plugins, int refused, String runtimeLayer) {
        TrustStore trusted = inspector.trustStore();
        List<String> signers = new ArrayList<>(trusted.subjects());
        trusted.problems().forEach(problem -> signers.add("(unreadable) " + problem));
        return new SecurityStatus(policy.mode(), policyFile.path().toString(), policyError, trustDir.toString(),
                signers, System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"), plugins,
                refused, runtimeLayer, failedClosed && policyError != null);
    }

    private void loadAtStart() {
        try {
            policyFile.createIfMissing();
            if (Files.size(policyFile.path()) == 0) {
                // as at run time, an empty file never lowers the policy: read as development mode with no deny lines,
                // a file emptied while the container ran in production would have made the next start development
                throw new PolicyException(policyFile.path() + " is empty; write the policy into it ('mode production' "
                        + "and the grants), or delete it to have the development default written again");
            }
            policy = policyFile.load();
            policyError = null;
        } catch (IOException | PolicyException e) {
            // No previous policy to keep: fail closed (production, nothing granted) until the file is fixed.
            policy = new Policy(SecurityMode.PRODUCTION, List.of(), List.of(), List.of(), Map.of(), 0,
                    Policy.DEFAULT_PATIENTS_PER_HOUR);
            policyError = e.getMessage();
            failedClosed = true;
            logger.error("Security policy {} refused, so nothing is granted until it is fixed: {}", policyFile.path(),
                    e.getMessage());
        }
        importRules = new ImportRules(policy.allowedImports());
    }

    /** From now on a change to the policy file or the trust store is noticed, within the watch period. */
    void startWatching() {
        watchedState = watchState();
        watcher.scheduleWithFixedDelay(this::look, watchMillis, watchMillis, TimeUnit.MILLISECONDS);
    }

    void close() {
        watcher.shutdownNow();
    }

    void announceMode() {
        if (policy.mode() == SecurityMode.DEVELOPMENT) {
            logger.warn("Security: DEVELOPMENT mode. Plugins get the host-service permissions they declare without a "
                    + "policy entry, and unsigned plugins run. Before real patient data: 'security:mode production' "
                    + "(or 'mode production' in {}).", policyFile.path());
        } else {
            logger.info("Security: PRODUCTION mode; policy {}, trust store {} ({} signers).", policyFile.path(),
                    trustDir, inspector.trustStore().subjects().size());
        }
    }

    /**
     * A change is read once two looks in a row see the same files: an editor or a shell redirect that writes the policy
     * in place truncates it first, and a file read between the truncation and the last write (empty, or cut short)
     * would lower the policy until the next look (an empty policy is development mode, without deny lines).
     */
    void look() {
        try {
            String state = watchState();
            if (state.equals(watchedState)) {
                settlingState = null;
            } else if (!state.equals(settlingState)) {
                settlingState = state; // changed since the last look: read once it holds still for one more
            } else {
                watchedState = state;
                settlingState = null;
                if (!reload(state)) {
                    watchedState = ""; // changed while it was read: read once two looks agree again
                }
            }
        } catch (RuntimeException e) {
            logger.error("Security policy watch failed: {}", e.toString());
        }
    }

    /** Modification times and sizes of the policy file and the trust store: what a reload depends on. */
    private String watchState() {
        StringBuilder state = new StringBuilder();
        try {
            Path file = policyFile.path();
            if (Files.exists(file)) {
                state.append(Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS)).append('/').append(Files.size(file));
            }
            if (Files.isDirectory(trustDir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(trustDir)) {
                    Set<String> entries = new TreeSet<>();
                    for (Path certificate : files) {
                        entries.add(certificate.getFileName() + "@" + Files.getLastModifiedTime(certificate).to(TimeUnit.NANOSECONDS)
                                + "/" + Files.size(certificate));
                    }
                    state.append(entries);
                }
            }
        } catch (IOException e) {
            state.append(e.getMessage());
        }
        return state.toString();
    }

    /** Re-reads the policy and trust store; an invalid policy is refused whole and the one in force stays. */
    synchronized void reload() {
        reload(null);
    }

    /**
     * Re-reads the policy and trust store, as {@link #reload()}; with {@code looked} (the watcher's state of the files
     * when it decided to read them), false and nothing applied when the files changed while they were read.
     */
    private synchronized boolean reload(String looked) {
        Policy loaded;
        try {
            if (!Files.exists(policyFile.path())) {
                throw new PolicyException(policyFile.path() + " is missing; restore it (a missing file never lowers "
                        + "the policy; on the next start it is written again in development mode)");
            }
            if (Files.size(policyFile.path()) == 0) {
                throw new PolicyException(policyFile.path() + " is empty; write the policy into it (an empty file "
                        + "never lowers the policy in force)");
            }
            loaded = policyFile.load();
            if (looked != null && !looked.equals(watchState())) {
                return false; // written again while it was read: what was read may be cut short
            }
        } catch (IOException | PolicyException e) {
            if (!e.getMessage().equals(policyError)) {
                logger.error("Security policy {} refused; the previous policy stays in force: {}", policyFile.path(),
                        e.getMessage());
            }
            policyError = e.getMessage();
            return true;
        }
        SecurityMode before = policy.mode();
        importRules = new ImportRules(loaded.allowedImports());
        TrustStore trusted = TrustStore.load(trustDir);
        if (!trusted.sameAs(inspector.trustStore())) {
            inspector.trust(trusted); // who is a trusted signer changed: every plugin is inspected again
        }
        policy = loaded;
        policyError = null;
        failedClosed = false;
        version++;
        if (before != loaded.mode()) {
            announceMode();
        }
        logger.info("Security policy {} loaded: {} mode, {} grants, {} denials", policyFile.path(),
                loaded.mode().name().toLowerCase(Locale.ROOT), loaded.grants().size(), loaded.denials().size());
        changed.run();
        return true;
    }

    // ---- the operator's edits: written to the file, then in force at once

    synchronized void grant(String symbolicName, Collection<Permission> permissions) {
        edit(() -> policyFile.grant(symbolicName, permissions));
    }

    synchronized void revoke(String symbolicName, Collection<Permission> permissions) {
        edit(() -> policyFile.revoke(symbolicName, permissions));
    }

    synchronized void setMode(SecurityMode mode) {
        edit(() -> policyFile.setMode(mode));
    }

    private interface Edit {
        void run() throws IOException, PolicyException;
    }

    private void edit(Edit edit) {
        if (policyError != null && Files.exists(policyFile.path())) {
            throw new IllegalStateException("The policy file has an error; fix it first: " + policyError);
        }
        try {
            edit.run();
        } catch (IOException e) {
            throw new IllegalStateException("Could not write " + policyFile.path() + ": " + e.getMessage(), e);
        } catch (PolicyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        watchedState = watchState();
        reload();
    }
}
