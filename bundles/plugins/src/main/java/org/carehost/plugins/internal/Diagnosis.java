package org.carehost.plugins.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.carehost.plugins.DeployFileCheck;
import org.carehost.plugins.Finding;
import org.carehost.plugins.Finding.Kind;
import org.carehost.plugins.PluginState;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Explains in plain words why a plugin is or is not active: the first line says what it is, the lines
 * after it say why (an unresolved requirement, an exception from activate, an unsatisfied reference).
 * It also explains files in the deploy folder that did not become plugins.
 */
final class Diagnosis {

    private final BundleContext context;
    private final PluginBundles bundles;
    private final ComponentStates components;
    private final Requirements requirements;
    private final Supplier<SecurityAdmin> security;

    Diagnosis(BundleContext context, PluginBundles bundles, ComponentStates components,
            Supplier<SecurityAdmin> security) {
        this.context = context;
        this.bundles = bundles;
        this.components = components;
        this.security = security;
        this.requirements = new Requirements(context);
    }

    /** What {@link #why} says after its first finding (the plugin's state), as one text: why it did not start. */
    static String reasons(List<Finding> findings) {
        return findings.subList(Math.min(1, findings.size()), findings.size()).stream().map(Finding::reason)
                .collect(java.util.stream.Collectors.joining(" "));
    }

    /**
     * Whether the security manager refused it: the framework's own words then name only the requirement the refusal
     * hid ("missing requirement osgi.wiring.package=java.io"), which reads as if java.io were missing.
     */
    static boolean refused(List<Finding> findings) {
        return findings.stream().anyMatch(finding -> finding.kind() == Finding.Kind.SECURITY_REFUSAL);
    }

    List<Finding> why(Bundle bundle) {
        String subject = PluginManagerImpl.name(bundle);
        List<Finding> findings = new ArrayList<>();
        findings.add(new Finding(Kind.STATE, subject, subject + " " + bundle.getVersion() + " is "
                + PluginState.of(bundle.getState()) + "."));
        List<String> refusals = securityRefusals(bundle);
        for (String refusal : refusals) {
            findings.add(new Finding(Kind.SECURITY_REFUSAL, subject, "The security manager refuses it: " + refusal));
        }
        if (!refusals.isEmpty()) {
            findings.add(new Finding(Kind.NEXT_STEP, subject, "security:denials lists every refusal; "
                    + "plugin:permissions " + bundle.getBundleId() + " shows what it declares and holds."));
        }
        for (String notice : securityNotices(bundle)) {
            findings.add(new Finding(Kind.NEXT_STEP, subject, Character.toUpperCase(notice.charAt(0))
                    + notice.substring(1) + "."));
        }
        BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
        switch (bundle.getState()) {
            case Bundle.INSTALLED:
                if (refusals.isEmpty()) {
                    findings.addAll(unresolved(bundle, subject));
                }
                break;
            case Bundle.RESOLVED:
                if (refusals.isEmpty()) {
                    findings.add(notStarted(bundle, subject, level));
                }
                break;
            case Bundle.STARTING:
                findings.add(new Finding(Kind.IN_PROGRESS, subject, isLazy(bundle)
                        ? "It waits for lazy activation: it starts when one of its classes is first loaded."
                        : "Its activator is still running."));
                break;
            case Bundle.ACTIVE:
                if (refusals.isEmpty()) {
                    findings.addAll(activeFindings(bundle, subject));
                }
                break;
            default:
                findings.add(new Finding(Kind.IN_PROGRESS, subject, "It is being stopped or uninstalled."));
        }
        return findings;
    }

    /**
     * The failures of a plugin that was just started: a security refusal, or components whose activate threw
     * (SCR's FAILED_ACTIVATION state). Nothing when it is fine, merely stopped, or still waiting.
     */
    List<String> failures(Bundle bundle) {
        List<String> refusals = securityRefusals(bundle);
        if (!refusals.isEmpty()) {
            return List.of(refusal(refusals));
        }
        if (bundle.getState() == Bundle.ACTIVE) {
            return components.failedActivations(bundle).stream().map(ComponentStates.Problem::sentence).toList();
        }
        return List.of();
    }

    static String refusal(List<String> refusals) {
        return "the security manager refuses it: " + String.join("; ", refusals);
    }

    /** Why the framework could not resolve the bundle, for a FAILED event: its missing requirements. */
    String unresolvedReason(Bundle bundle) {
        List<String> missing = requirements.unsatisfied(bundle);
        return missing.isEmpty()
                ? "it cannot be resolved: the resolver cannot wire it consistently (plugin:why " + bundle.getBundleId()
                        + ")"
                : "it cannot be resolved: it " + String.join("; it ", missing);
    }

    /** What the security manager holds against the plugin; empty when it is not running. */
    List<String> securityRefusals(Bundle bundle) {
        SecurityAdmin admin = security.get();
        return admin == null ? List.of() : admin.refusals(bundle);
    }

    /** What the security manager says the plugin offers in vain (e.g. an authenticator without verify:logins). */
    private List<String> securityNotices(Bundle bundle) {
        SecurityAdmin admin = security.get();
        return admin == null ? List.of() : admin.notices(bundle);
    }

    /** Problems with the plugin's own declaration or signature: reasons not to install it at all. */
    List<String> installProblems(Bundle bundle) {
        SecurityAdmin admin = security.get();
        return admin == null ? List.of() : admin.installProblems(bundle);
    }

    private List<Finding> unresolved(Bundle bundle, String subject) {
        List<String> missing = requirements.unsatisfied(bundle);
        if (!missing.isEmpty()) {
            List<Finding> findings = new ArrayList<>();
            for (String requirement : missing) {
                findings.add(new Finding(Kind.UNRESOLVED, requirement, "It cannot be resolved: it " + requirement));
            }
            findings.add(new Finding(Kind.NEXT_STEP, subject,
                    "Install a bundle that provides it, or rebuild the plugin without that dependency."));
            return findings;
        }
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        if (wiring.resolveBundles(List.of(bundle))) {
            return List.of(new Finding(Kind.NOT_STARTED, subject,
                    "It resolves now; it has not been started (plugin:start " + bundle.getBundleId() + ")."));
        }
        return List.of(new Finding(Kind.UNRESOLVED, subject,
                "Everything it requires is installed, but the resolver cannot wire it consistently "
                + "(a uses-constraint conflict, or a provider that cannot resolve itself); "
                + "`start " + bundle.getBundleId() + "` prints the resolver's full message."));
    }

    private Finding notStarted(Bundle bundle, String subject, BundleStartLevel level) {
        if ((bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) {
            return new Finding(Kind.NOT_STARTED, subject,
                    "It is a fragment: it never starts itself, it is attached to its host.");
        }
        if (!level.isPersistentlyStarted()) {
            return new Finding(Kind.NOT_STARTED, subject,
                    "It is stopped (plugin:start " + bundle.getBundleId() + " starts it).");
        }
        int active = context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
        if (level.getStartLevel() > active) {
            return new Finding(Kind.NOT_STARTED, subject,
                    "Its start level " + level.getStartLevel() + " is above the framework's " + active + ".");
        }
        return new Finding(Kind.NOT_STARTED, subject, "It should be active but its last start failed; plugin:start "
                + bundle.getBundleId() + " retries and shows the error.");
    }

    private List<Finding> activeFindings(Bundle bundle, String subject) {
        List<Finding> findings = new ArrayList<>();
        for (ComponentStates.Problem problem : components.problemsOf(bundle)) {
            String sentence = problem.sentence();
            findings.add(new Finding(kindOf(problem.kind()), problem.component(),
                    Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1)));
        }
        if (!findings.isEmpty()) {
            return findings;
        }
        int count = components.of(bundle).size();
        return List.of(new Finding(Kind.OK, subject, count == 0
                ? "It has no Declarative Services components; nothing is wrong."
                : "All " + count + " of its components are active; nothing is wrong."));
    }

    private static Kind kindOf(ComponentStates.Trouble trouble) {
        switch (trouble) {
            case DISABLED: return Kind.DISABLED;
            case FAILED_ACTIVATION: return Kind.ACTIVATE_FAILED;
            case UNSATISFIED: return Kind.UNSATISFIED;
            default: return Kind.IN_PROGRESS;
        }
    }

    /** A file in the deploy folder that {@code name} points at and that is not installed, or null. */
    Path deployFileNamed(String name) {
        Path file = deployFile(name);
        return file != null && bundles.installedFrom(file) == null ? file : null;
    }

    /** The file in the deploy folder that {@code name} points at, installed or not, or null ({@link PluginBundles}). */
    Path deployFile(String name) {
        return bundles.deployFile(name);
    }

    /**
     * A file of a kind a container bundle makes into plugins (a bare WebAssembly module, which the WebAssembly
     * extender wraps into a bundle): that bundle's {@link DeployFileCheck} says what keeps it from becoming one. Null
     * when no container bundle checks the kind (then nothing makes it a plugin: {@code notAPlugin}).
     */
    private String checkedElsewhere(Path file, String notAPlugin) {
        String fileName = file.getFileName().toString();
        try {
            for (ServiceReference<DeployFileCheck> reference : context.getServiceReferences(DeployFileCheck.class,
                    null)) {
                Object extension = reference.getProperty(DeployFileCheck.EXTENSION);
                if (!(extension instanceof String ending)
                        || !fileName.toLowerCase(java.util.Locale.ROOT).endsWith(ending.toLowerCase(java.util.Locale.ROOT))
                        || reference.getBundle() == null || bundles.isPlugin(reference.getBundle())) {
                    continue; // a plugin's service never speaks for the container
                }
                DeployFileCheck check = context.getService(reference);
                if (check == null) {
                    continue;
                }
                try {
                    return check.problem(file);
                } finally {
                    context.ungetService(reference);
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
        // No check registered yet (the WebAssembly extender starts beside this, and a first scan may come first): a
        // bare module is not called ignored, which it is not once the extender runs.
        return fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".wasm") ? null : notAPlugin;
    }

    private static boolean isBesideAWasm(Path file) {
        String fileName = file.getFileName().toString();
        return fileName.endsWith(".json") && Files.exists(file.resolveSibling(
                fileName.substring(0, fileName.length() - ".json".length()) + ".wasm"));
    }

    /** Why a file in the deploy folder is not an installed plugin. */
    List<Finding> whyFile(Path file) {
        String subject = bundles.deployDir().getFileName() + "/" + file.getFileName();
        if (isBesideAWasm(file)) {
            return List.of(new Finding(Kind.STATE, subject, subject + " is not a plugin: it holds the settings of the "
                    + "bare WebAssembly module beside it, read when that module is wrapped into a plugin."));
        }
        String problem = fileProblem(file);
        return List.of(new Finding(Kind.STATE, subject, subject + " is not installed."), problem != null
                ? new Finding(Kind.FILE_PROBLEM, subject, problem)
                : new Finding(Kind.IN_PROGRESS, subject, file.getFileName().toString().endsWith(".wasm")
                        ? "It is a bare WebAssembly module; the deploy watcher wraps it into a plugin bundle and "
                                + "installs it once the file stops changing (development mode only)."
                        : "It is a valid bundle; the deploy watcher installs it once the file stops changing."));
    }

    /** Why a file in the deploy folder cannot become a plugin, or null when the watcher can install it. */
    String fileProblem(Path file) {
        return fileProblem(file, null);
    }

    /**
     * {@link #fileProblem(Path)} in a pass over the folder: {@code notInstalled} is
     * {@link PluginBundles#notInstalledJarsByName()} taken once for the pass (null: look now).
     */
    String fileProblem(Path file, java.util.function.Supplier<java.util.Map<String, List<Path>>> notInstalled) {
        String fileName = file.getFileName().toString();
        if (isBesideAWasm(file)) {
            return null; // name.json is the settings of name.wasm, read when that is wrapped
        }
        if (!fileName.endsWith(".jar")) {
            return checkedElsewhere(file, "Only .jar files (and bare .wasm modules, with an optional .json of the same "
                    + "name) in the deploy folder are plugins; this file is ignored.");
        }
        String problem = BundleFileCheck.problem(file);
        if (problem != null) {
            return problem;
        }
        String containerHost = ContainerHostFiles.containerHost(context, bundles, file);
        if (containerHost != null) {
            return ContainerHostFiles.reason(containerHost);
        }
        Bundle owner = bundles.ownerOfName(file);
        if (owner != null) {
            Path from = PluginBundles.pathOf(owner.getLocation());
            return "It has the symbolic name of plugin " + owner.getSymbolicName() + " " + owner.getVersion()
                    + " (id " + owner.getBundleId() + "), which is installed from "
                    + (from != null ? "file " + from : owner.getLocation()) + ". A plugin comes from one file: "
                    + (from != null && from.startsWith(bundles.deployDir())
                            ? "replace " + from.getFileName() + " to update it, and remove this file."
                            : "update it with plugin:update, or give this jar another Bundle-SymbolicName.");
        }
        Path twin = notInstalled == null ? bundles.earlierTwin(file) : bundles.earlierTwin(file, notInstalled.get());
        if (twin != null) {
            return "It has the symbolic name of " + bundles.deployDir().getFileName() + "/" + twin.getFileName()
                    + ", which becomes the plugin: a plugin comes from one file. Remove one of them.";
        }
        return null;
    }

    private static boolean isLazy(Bundle bundle) {
        String policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY);
    }
}
