package org.carehost.catalog;

/** A catalog operation that did not happen; the message says what went wrong and what to do next. */
public class CatalogException extends Exception {

    private static final long serialVersionUID = 1L;

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
