package org.carehost.sdk.adapter;

/**
 * One adapter, as {@link AdapterService#adapters()} lists it.
 *
 * @param system the outside system it speaks to
 * @param plugin the symbolic name of the plugin that provides it
 * @param version the plugin's version
 * @param available whether the system answered when asked; null when the adapter could not say in time
 */
public record AdapterInfo(String system, String plugin, String version, Boolean available) {
}
