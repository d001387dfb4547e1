package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.stream.XMLStreamException;

import org.junit.jupiter.api.Test;

class EntryPointsTest {

    private static List<String> read(String xml) throws XMLStreamException {
        return EntryPoints.implementations(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyImplementationIsFoundAsScrReadsIt() throws Exception {
        // the class attribute not first (a regex over "implementation class=" missed it: the red team's way past)
        assertEquals(List.of("java.io.FileInputStream"), read("<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.4.0\""
                + " name=\"x\"><implementation x=\"y\" class=\"java.io.FileInputStream\"/></scr:component>"));
        // a character reference, another prefix, the default namespace, several components, a comment that looks like one
        assertEquals(List.of("java.io.FileInputStream", "a.Own", "b.Other"), read("<components>"
                + "<!-- <implementation class=\"a.Decoy\"/> -->"
                + "<c:component xmlns:c=\"http://www.osgi.org/xmlns/scr/v1.3.0\"><c:implementation\n class='java.io.F&#105;leInputStream'/>"
                + "</c:component><component xmlns=\"http://www.osgi.org/xmlns/scr/v1.1.0\"><implementation class=\" a.Own \"/>"
                + "</component><component><implementation class=\"b.Other\"/></component></components>"));
    }

    @Test
    void aDescriptionThatIsNotPlainXmlIsRefusedNotGuessedAt() {
        // a document type declaration (entities SCR's parser could expand otherwise), not well-formed, no class
        assertThrows(XMLStreamException.class, () -> read("<!DOCTYPE c [<!ENTITY e \"java.io.File\">]><c>"
                + "<implementation class=\"&e;\"/></c>"));
        assertThrows(XMLStreamException.class, () -> read("<c><implementation class=\"a.B\"></c>"));
        assertThrows(XMLStreamException.class, () -> read("<c><implementation class=\"a.B\" class=\"java.io.File\"/></c>"));
        assertThrows(XMLStreamException.class, () -> read("<c><implementation/></c>"));
    }
}
