package org.carehost.catalog.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.carehost.catalog.CatalogException;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.resource.Resource;

import aQute.bnd.osgi.repository.XMLResourceParser;

/**
 * Parses an R5 repository index ({@code index.xml}, gzipped or not) with bnd's parser. Before bnd sees it, one
 * streaming pass refuses a document type declaration (entity tricks) and referrals (bnd would follow them to other
 * URLs: each index is configured as a catalog of its own instead). Keeps the bundles and fragments that have
 * content, without the parts bnd adds for multi-release jars.
 */
final class IndexReader {

    private IndexReader() {
    }

    static List<Resource> parse(byte[] data, URI base) throws CatalogException {
        byte[] xml = gunzipIfNeeded(data, base);
        precheck(xml, base);
        List<Resource> parsed;
        try (InputStream in = new ByteArrayInputStream(xml)) {
            parsed = XMLResourceParser.getResources(in, base);
        } catch (Exception e) {
            throw new CatalogException(base + " is not a valid repository index: " + e.getMessage(), e);
        }
        List<Resource> bundles = new ArrayList<>();
        for (Resource resource : parsed) {
            if (Resources.isMultiReleasePart(resource) || Resources.symbolicName(resource) == null) {
                continue;
            }
            String type = Resources.type(resource);
            if ((IdentityNamespace.TYPE_BUNDLE.equals(type) || IdentityNamespace.TYPE_FRAGMENT.equals(type))
                    && Resources.url(resource) != null && Resources.sha256(resource) != null) {
                bundles.add(resource);
            }
        }
        return bundles;
    }

    private static byte[] gunzipIfNeeded(byte[] data, URI base) throws CatalogException {
        if (data.length < 2 || (data[0] & 0xff) != 0x1f || (data[1] & 0xff) != 0x8b) {
            return data;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            byte[] xml = in.readNBytes((int) Fetcher.MAX_INDEX_BYTES + 1);
            if (xml.length > Fetcher.MAX_INDEX_BYTES) {
                throw new CatalogException(base + " unpacks to more than " + (Fetcher.MAX_INDEX_BYTES >> 20) + " MB; refused.");
            }
            return xml;
        } catch (IOException e) {
            throw new CatalogException(base + " looks gzipped but cannot be unpacked: " + e.getMessage(), e);
        }
    }

    private static void precheck(byte[] xml, URI base) throws CatalogException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
            boolean root = true;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new CatalogException(base + " has a document type declaration; a repository index has none. Refused.");
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    if (root && !"repository".equals(reader.getLocalName())) {
                        throw new CatalogException(base + " is not a repository index (its root element is <"
                                + reader.getLocalName() + ">, not <repository>).");
                    }
                    root = false;
                    if ("referral".equals(reader.getLocalName())) {
                        throw new CatalogException(base + " refers to other indexes; referrals are not followed. "
                                + "Add each index as a catalog of its own (catalog:add).");
                    }
                }
            }
            if (root) {
                throw new CatalogException(base + " is empty, not a repository index.");
            }
        } catch (XMLStreamException e) {
            throw new CatalogException(base + " is not a valid repository index (not well-formed XML: "
                    + e.getMessage() + ").", e);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // read fully or refused already
                }
            }
        }
    }
}
