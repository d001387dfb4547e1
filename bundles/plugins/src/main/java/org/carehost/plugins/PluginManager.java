package org.carehost.plugins;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Lifecycle of plugins, named by bundle id or symbolic name. Every method that changes something
 * either completes or throws a {@link PluginException} whose message says, in plain words, what went
 * wrong; invalid input (a file that is not a bundle, an unknown plugin) changes nothing.
 */
@ProviderType
public interface PluginManager {

    /** All plugins, by bundle id. */
    List<PluginInfo> list();

    /** One plugin, by id or symbolic name. */
    PluginInfo get(String plugin) throws PluginException;

    /** Installs a plugin from a file path or URL and starts it. */
    PluginInfo install(String pathOrUrl) throws PluginException;

    /**
     * Installs several bundle jars as plugins in one step, in the given order (dependencies first), each at the
     * location given, with the same checks as {@link #install}; then starts them. Either all of them are installed
     * and running, or, when one is refused, cannot be resolved or fails to start, every one installed by this call
     * is uninstalled again and the exception says which one failed and why.
     *
     * @since 1.2
     */
    List<PluginInfo> installAll(List<PluginArtifact> artifacts) throws PluginException;

    PluginInfo start(String plugin) throws PluginException;

    PluginInfo stop(String plugin) throws PluginException;

    /**
     * Updates a plugin from {@code pathOrUrl}, or from its own location when that is {@code null},
     * then refreshes its wiring so that its components run the new code.
     */
    PluginInfo update(String plugin, String pathOrUrl) throws PluginException;

    /** Uninstalls a plugin and returns what it was. */
    PluginInfo uninstall(String plugin) throws PluginException;

    /**
     * Why a plugin is or is not active: its state first, then each finding (the security refusal, the unresolved
     * requirement, the exception from activate, the unsatisfied reference), with its kind and subject.
     * {@code plugin} may also name a file in the deploy folder (with or without {@code deploy/}).
     */
    List<Finding> diagnose(String plugin) throws PluginException;

    /** {@link #diagnose}'s reasons, one finding per line in plain words. */
    default List<String> why(String plugin) throws PluginException {
        return diagnose(plugin).stream().map(Finding::reason).toList();
    }

    /**
     * Waits until the deploy folder is settled: every jar in it is installed (or cannot be, for a reason
     * {@link #why} gives) and no plugin has changed state for a moment. Returns false on timeout.
     */
    boolean awaitDeployFolder(java.time.Duration timeout) throws InterruptedException;

    /** Whether the deploy folder is settled now ({@link #awaitDeployFolder}'s condition, without waiting). */
    boolean deployFolderSettled();

    /**
     * Plugins whose code has held the thread that starts or stops them past the plugin manager's bound
     * ({@code heldSeconds}, {@code etc/org.carehost.plugins.cfg}) and still holds it, one sentence each: Java cannot
     * take that thread back, so the container will not be ready by itself (the plugin whose code holds it is quarantined
     * when that is certain, and a restart comes up without it). Empty when none.
     *
     * @since 1.8
     */
    List<String> held();

    /** Plugin names (symbolic names) for completion in the shell. */
    List<String> names();
}
