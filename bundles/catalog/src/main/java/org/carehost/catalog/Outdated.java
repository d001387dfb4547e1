package org.carehost.catalog;

/**
 * An installed plugin that a catalog offers in a newer version.
 *
 * @param deployFile where a plugin dropped into the deploy folder comes from (its location, a {@code file:} URI), or
 *        null: such a plugin belongs to its file, so it is updated by replacing that file, never by
 *        {@code catalog:update}
 */
public record Outdated(String symbolicName, String installed, String available, String catalog, String deployFile) {

    /** A plugin that {@code catalog:update} updates (not from the deploy folder). */
    public Outdated(String symbolicName, String installed, String available, String catalog) {
        this(symbolicName, installed, available, catalog, null);
    }

    /**
     * Whether {@code catalog:update} can update it.
     *
     * @since 1.1
     */
    public boolean updatable() {
        return deployFile == null;
    }
}
