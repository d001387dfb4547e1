package org.carehost.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The limits a plugin upload ({@code POST /api/v1/plugins}) is held to: {@code etc/org.carehost.http.cfg}. */
@ObjectClassDefinition(id = "org.carehost.http", name = "Carehost HTTP admin API",
        description = "Limits of plugin uploads over the admin API (POST /api/v1/plugins).")
@interface UploadConfiguration {

    @AttributeDefinition(min = "1024", description = "The most bytes an upload (a jar, or a zip of a plugin and its "
            + "libraries) may have as sent; a larger one is refused with 413 before it is read")
    long maxUploadBytes() default 50L * 1024 * 1024;

    @AttributeDefinition(min = "1024", description = "The most bytes an upload may inflate to, every entry of every "
            + "jar counted; more is refused as a zip bomb")
    long maxUncompressedBytes() default 200L * 1024 * 1024;

    @AttributeDefinition(min = "1", description = "The most entries an upload may hold, the entries of the jars in a "
            + "zip counted")
    int maxEntries() default 20_000;

    @AttributeDefinition(min = "2", description = "The most an archive may inflate, as a multiple of its size (checked "
            + "once it passes 1 MiB); more is refused as a zip bomb")
    int maxCompressionRatio() default 100;

    @AttributeDefinition(min = "0", max = "86400", description = "How often, in seconds, this node looks in the store "
            + "for plugins uploaded on another node sharing the database and installs those it lacks (0: only when it "
            + "starts)")
    int uploadPollSeconds() default 30;
}
