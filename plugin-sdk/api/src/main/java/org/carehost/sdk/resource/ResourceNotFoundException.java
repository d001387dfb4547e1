package org.carehost.sdk.resource;

/** No resource of that type has that id. */
public class ResourceNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResourceNotFoundException(String resourceType, String id) {
        super(resourceType + "/" + id + " does not exist");
    }
}
