package org.carehost.sdk.resource;

import java.util.List;

/**
 * One page of search results.
 *
 * @param items the results on this page, in order
 * @param total how many results the search has in all
 * @param offset index of the first item in all results
 * @param limit the page size asked for
 */
public record Page<T>(List<T> items, long total, int offset, int limit) {

    public Page {
        items = List.copyOf(items);
    }

    /** Whether results follow this page. */
    public boolean hasNext() {
        return offset + items.size() < total;
    }
}
