package org.carehost.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** Catalog URLs are shown without their credentials, and kept whole for use. */
class ShownUrlsTest {

    @Test
    void masksUserInfoAndSecretQueryParameters() {
        assertEquals("https://***@repo.example/index.xml",
                ShownUrls.shown("https://hospital:s3cret@repo.example/index.xml"));
        assertEquals("https://repo.example/index.xml?version=2&access_token=***",
                ShownUrls.shown("https://repo.example/index.xml?version=2&access_token=abc123"));
        assertEquals("https://repo.example/index.xml", ShownUrls.shown("https://repo.example/index.xml"));
        assertEquals("file:/srv/catalog/index.xml", ShownUrls.shown("file:/srv/catalog/index.xml"));
    }

    @Test
    void scrubsTheCredentialsFromAProblemText() {
        String url = "https://hospital:s3cret@repo.example/index.xml";
        String problem = "cannot read " + url + ": java.io.IOException: " + URI.create(url).getAuthority() + " refused";
        String scrubbed = ShownUrls.scrub(problem, url);
        assertFalse(scrubbed.contains("s3cret"), scrubbed);
        assertEquals("cannot read https://***@repo.example/index.xml: java.io.IOException: ***@repo.example refused",
                scrubbed);
    }

    @Test
    void everyUrlInATextIsShownMasked() {
        String text = "a redirect from https://host/p.jar?token=SECRET to https://u:pw@cdn.example/x?X-Amz-Signature=abc "
                + "(refused)";
        String shown = ShownUrls.scrubAll(text);
        org.junit.jupiter.api.Assertions.assertFalse(shown.contains("SECRET") || shown.contains("pw@")
                || shown.contains("abc"), shown);
        org.junit.jupiter.api.Assertions.assertTrue(shown.startsWith("a redirect from https://host/p.jar?token=***")
                && shown.endsWith(" (refused)"), shown);
    }
}
