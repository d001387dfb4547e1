package org.carehost.catalog;

import java.nio.file.Path;
import java.util.List;

import org.carehost.plugins.PluginInfo;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Plugin catalogs. Every method that changes something either completes or throws a {@link CatalogException}
 * that names the problem and the next step, and then nothing has changed (an install or update that fails part way
 * is rolled back).
 */
@ProviderType
public interface CatalogService {

    /** The configured catalogs, each read now (a catalog that cannot be read says why; the others still work). */
    List<CatalogStatus> catalogs();

    /**
     * Adds (or replaces) a catalog as the configuration {@code org.carehost.catalog~<name>}; {@code trust} lists the
     * signers (distinguished names) whose plugins it may offer, {@code *} any.
     */
    CatalogStatus add(String name, String url, List<String> trust) throws CatalogException;

    /** Removes the catalog's configuration. Plugins installed from it stay installed. */
    void remove(String name) throws CatalogException;

    /**
     * Offers whose symbolic name, name or description contain {@code text} (case-insensitive; blank matches all),
     * of the given kind and declaring the given permission (each {@code null} for any); the newest version of each.
     */
    List<Offer> search(String text, String kind, String permission);

    PluginDetails info(String plugin) throws CatalogException;

    /**
     * Resolves {@code plugin} ({@code name} or {@code name@version}; the newest offered version otherwise) against the
     * installed bundles and the catalogs, without changing anything.
     */
    InstallPlan plan(String plugin) throws CatalogException;

    /**
     * Installs the plan's bundles as plugins and starts them: all of them, or, when one is refused or fails, none
     * (those already installed by it are uninstalled again).
     */
    List<PluginInfo> install(InstallPlan plan) throws CatalogException;

    List<Outdated> outdated();

    /**
     * Updates a catalog-installed plugin to the newest offered version ({@code plugin@version} for a given one; a
     * lower one needs {@code allowDowngrade}). A failed update puts the previous version back. Returns what it did.
     */
    String update(String plugin, boolean allowDowngrade) throws CatalogException;

    /** Rates (1 to 5) and reviews a plugin version for the current tenant; audited. */
    Review review(String plugin, int rating, String text) throws CatalogException;

    /**
     * Writes an R5 index of the bundle jars in {@code folder} (not its subfolders) to {@code out}, with each plugin's
     * declared Carehost permissions and signer as attributes. Returns how many bundles it indexed.
     */
    int index(Path folder, Path out) throws CatalogException;
}
