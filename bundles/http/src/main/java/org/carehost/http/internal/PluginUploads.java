package org.carehost.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditUnavailableException;
import org.carehost.sdk.context.CareContext;
import org.carehost.security.PermissionReport;
import org.carehost.security.SecurityAdmin;
import org.carehost.store.Store;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.carehost.security.ContainerActors;

/**
 * {@code POST /api/v1/plugins}: an uploaded jar, or a zip of one plugin bundle and its library bundles, checked
 * ({@link UploadArchive}), installed through the plugin manager's {@link PluginManager#installAll} (the same checks as
 * {@code plugin:install} and the deploy folder: a bundle, the signature, the declared permissions, resolving,
 * starting; all or nothing), then kept in the store ({@link UploadStore}) and audited as the operator. A refused
 * upload installs and keeps nothing. The roles are {@code plugin:install}'s in the shell's role table: operator (and
 * admin).
 */
@Component(service = PluginUploads.class, configurationPid = "org.carehost.http",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = UploadConfiguration.class)
public final class PluginUploads {

    /** Who may upload besides admin: as {@code plugin:install} in the shell's {@code CommandRoles}. */
    static final java.util.Set<Role> UPLOADERS = org.carehost.operators.OperatorRights.INSTALL_PLUGINS;

    private final PluginManager plugins;
    private final SecurityAdmin security;
    private final AuditLog audit;
    private final ContextBinder binder;
    private final BundleContext context;
    private final UploadStore stored;
    private final Clock clock;
    private final HeldUploads held;
    private final UploadsUnderway underway;
    private volatile UploadArchive.Limits limits;

    @Activate
    public PluginUploads(BundleContext context, UploadConfiguration configuration, @Reference PluginManager plugins,
            @Reference SecurityAdmin security, @Reference AuditLog audit, @Reference ContextBinder binder,
            @Reference Store store, @Reference(target = ContainerClock.TARGET) Clock clock,
            @Reference HeldUploads held, @Reference UploadsUnderway underway) {
        this.context = context;
        this.underway = underway;
        this.held = held;
        this.clock = clock;
        this.plugins = plugins;
        this.security = security;
        this.audit = audit;
        this.binder = binder;
        this.stored = new UploadStore(store);
        modified(configuration);
    }

    @Modified
    void modified(UploadConfiguration configuration) {
        this.limits = new UploadArchive.Limits(configuration.maxUploadBytes(), configuration.maxUncompressedBytes(),
                configuration.maxEntries(), configuration.maxCompressionRatio());
    }

    /** The upload route, for the API's route table. */
    List<Route> routes() {
        return List.of(new Route("POST", "/plugins", false, UPLOADERS, "Upload a plugin: the body is a bundle jar, or "
                + "a zip of one plugin bundle and its library bundles (Content-Type application/java-archive, "
                + "application/zip or application/octet-stream); installed with the checks of the deploy folder, kept "
                + "in the store, and answered with each bundle's state and declared permissions", this::upload),
                new Route("GET", "/uploads", false, UPLOADERS, "The uploaded jars the store keeps (installed again at "
                        + "a start that lacks them), by upload, libraries first", call -> stored.all()));
    }

    private Object upload(Call call) throws Exception {
        UploadArchive.Limits now = limits;
        String name = fileName(call);
        Path work = Files.createDirectories(context.getDataFile("uploads").toPath())
                .resolve(UUID.randomUUID().toString());
        Files.createDirectories(work);
        try {
            List<UploadArchive.Jar> jars;
            try {
                Path upload = receive(call, now, work.resolve("upload"));
                jars = UploadArchive.open(upload, name, Files.createDirectories(work.resolve("jars")), now);
            } catch (Problems.Failure refused) {
                audit(call.operator(), name, AuditOutcome.DENIED, refused.getMessage());
                throw refused;
            }
            return install(call.operator(), name, jars);
        } finally {
            delete(work);
        }
    }

    private Object install(Operator operator, String name, List<UploadArchive.Jar> jars) throws Exception {
        List<PluginArtifact> artifacts = new ArrayList<>();
        List<String> locations = new ArrayList<>();
        List<UploadArchive.Jar> added = new ArrayList<>();
        for (UploadArchive.Jar jar : jars) {
            String location = PluginOrigin.UPLOAD_LOCATION_PREFIX + jar.sha256();
            locations.add(location);
            Bundle existing = context.getBundle(location);
            if (existing != null && !jar.plugin()) {
                continue; // a library an earlier upload brought: shared, not installed twice
            }
            artifacts.add(new PluginArtifact(location, jar.file()));
            added.add(jar);
        }
        String plugin = jars.get(jars.size() - 1).symbolicName() + " " + jars.get(jars.size() - 1).version();
        List<String> installing = artifacts.stream().map(PluginArtifact::location).toList();
        // An uninstall of these until the end is this request's rollback when the request undoes its install (the
        // plugin manager's rollback runs on a lifecycle thread of its own), else an operator's meanwhile.
        underway.begin(installing);
        boolean[] undone = {false};
        try {
            return install(operator, name, plugin, jars, locations, artifacts, added, undone);
        } finally {
            underway.end(installing, undone[0]);
        }
    }

    private Object install(Operator operator, String name, String plugin, List<UploadArchive.Jar> jars,
            List<String> locations, List<PluginArtifact> artifacts, List<UploadArchive.Jar> added, boolean[] undone)
            throws Exception {
        List<PluginInfo> installed;
        try {
            installed = plugins.installAll(artifacts);
        } catch (PluginException refused) {
            undone[0] = true; // the plugin manager uninstalled what it had installed
            audit(operator, plugin, AuditOutcome.DENIED, refused.getMessage());
            throw new Problems.Failure(422, "plugin-refused", "Plugin refused", refused.getMessage());
        }
        try {
            java.util.Set<String> installedHere = new java.util.HashSet<>();
            installed.forEach(info -> installedHere.add(info.location()));
            // each jar this request installed under a new upload id: not an earlier upload's, maybe uninstalled here
            Map<String, String> keptAs = stored.save(UUID.randomUUID().toString(), jars, locations, installedHere,
                    operator.name(), clock.instant());
            // kept: from now on, a tombstone of this upload uninstalls it here (UploadRestore)
            Map<String, HeldUploads.Held> records = new LinkedHashMap<>();
            keptAs.forEach((location, uploadId) -> {
                Bundle bundle = context.getBundle(location);
                if (bundle != null && installedHere.contains(location)) { // a shared library's record stays as it is
                    records.put(location, new HeldUploads.Held(uploadId, bundle.getBundleId()));
                }
            });
            held.put(records);
        } catch (Exception notKept) {
            undone[0] = true;
            for (int i = installed.size() - 1; i >= 0; i--) {
                try {
                    plugins.uninstall(String.valueOf(installed.get(i).id()));
                } catch (PluginException alreadyGone) {
                    // nothing of this upload stays either way
                }
            }
            audit(operator, plugin, AuditOutcome.ERROR, "not kept in the store: " + notKept.getMessage());
            throw new Problems.Failure(503, "store-unavailable", "Upload not kept", "The plugin could not be kept in "
                    + "the store (" + notKept.getMessage() + "), so it was uninstalled again; nothing changed. Try "
                    + "again when the database answers.");
        }
        audit(operator, plugin, AuditOutcome.SUCCESS, name + ": " + jars.size() + " bundle(s), "
                + added.size() + " installed");
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> bundles = new ArrayList<>();
        for (PluginInfo info : installed) {
            bundles.add(describe(info));
        }
        out.put("plugin", bundles.get(bundles.size() - 1));
        out.put("libraries", bundles.subList(0, bundles.size() - 1));
        return out;
    }

    private Map<String, Object> describe(PluginInfo info) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", info.id());
        out.put("symbolicName", info.symbolicName());
        out.put("version", info.version());
        out.put("state", info.state());
        out.put("location", info.location());
        Bundle bundle = context.getBundle(info.id());
        if (bundle != null) {
            PermissionReport report = security.report(bundle);
            out.put("declaredPermissions", report.declared().stream().sorted().toList());
            out.put("grantedPermissions", report.granted().stream().sorted().toList());
            out.put("signer", report.signer());
            out.put("refusals", report.refusals());
        }
        return out;
    }

    /** Copies the body to {@code file}, refusing (413) more than the limit; the rest of a refused body is drained. */
    private static Path receive(Call call, UploadArchive.Limits limits, Path file) throws Problems.Failure,
            IOException {
        long declared = call.request().getContentLengthLong();
        String type = call.request().getContentType();
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
            throw new Problems.Failure(415, "unsupported-media-type", "Unsupported media type", "Send the jar or zip "
                    + "itself as the request body (application/java-archive, application/zip or "
                    + "application/octet-stream), not a multipart form.");
        }
        long total = 0;
        try (InputStream in = call.request().getInputStream(); OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            int read;
            boolean tooLarge = declared > limits.maxUploadBytes();
            while (!tooLarge && (read = in.read(buffer)) > 0) {
                total += read;
                if (total > limits.maxUploadBytes()) {
                    tooLarge = true;
                } else {
                    out.write(buffer, 0, read);
                }
            }
            if (tooLarge) {
                // Read what the client still sends (bounded), so that it gets the answer instead of a reset.
                long drained = 0;
                while (drained < 2 * limits.maxUploadBytes() + 1024 * 1024 && (read = in.read(buffer)) > 0) {
                    drained += read;
                }
                throw new Problems.Failure(413, "upload-too-large", "Upload too large", "The upload has "
                        + (declared > 0 ? declared : "more than " + limits.maxUploadBytes()) + " bytes; at most "
                        + limits.maxUploadBytes() + " are accepted (maxUploadBytes in etc/org.carehost.http.cfg). "
                        + "Nothing was installed.");
            }
        }
        if (total == 0) {
            throw new Problems.Failure(400, "bad-request", "Bad request", "The body is empty: send the plugin's bundle "
                    + "jar, or a zip of one plugin bundle and its library bundles, as the request body.");
        }
        return file;
    }

    /**
     * The upload's name for messages: {@code ?name=} when given, else "the upload". Read from the query string itself:
     * {@code getParameter} would parse a body sent as a form ({@code curl --data-binary} says
     * {@code application/x-www-form-urlencoded}), which is the jar.
     */
    private static String fileName(Call call) {
        String query = call.request().getQueryString();
        String name = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("name=")) {
                    try {
                        name = java.net.URLDecoder.decode(pair.substring(5), java.nio.charset.StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException malformed) {
                        name = null;
                    }
                }
            }
        }
        if (name == null || name.isBlank()) {
            return "the upload";
        }
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.length() > 100 ? cleaned.substring(0, 100) : cleaned;
    }

    private void audit(Operator operator, String what, AuditOutcome outcome, String detail) {
        CareContext care = binder.current().orElse(null);
        try {
            audit.append(new AuditEvent(ContainerActors.OPERATOR, null, operator.name(),
                    care == null ? null : care.purpose().code(), care == null ? null : care.tenant(),
                    Role.text(operator.roles()), care == null ? null : care.correlationId(), null,
                    AuditAction.CREATE, "plugin.upload", "Plugin", what, null, null, outcome,
                    detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 1000) + "…"));
        } catch (AuditUnavailableException e) {
            throw new IllegalStateException("The upload could not be audited: " + e.getMessage(), e);
        }
    }

    static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException leftBehind) {
            // a temporary folder in the bundle's data area; the next upload uses a new one
        }
    }
}
