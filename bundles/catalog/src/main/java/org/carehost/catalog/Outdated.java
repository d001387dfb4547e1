package org.carehost.catalog;

/** An installed plugin that a catalog offers in a newer version. */
public record Outdated(String symbolicName, String installed, String available, String catalog) {
}
