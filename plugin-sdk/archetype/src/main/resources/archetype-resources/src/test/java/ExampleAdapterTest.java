package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;

import org.carehost.sdk.plugin.AdapterMessage;
import org.junit.jupiter.api.Test;

/** The adapter on its own, without a container. */
class ExampleAdapterTest {

    @Test
    void withoutAnEndpointItIsNotAvailableAndRefusesToSend() {
        ExampleAdapter adapter = new ExampleAdapter(config("lab", ""));
        assertEquals("lab", adapter.system());
        assertFalse(adapter.available());
        assertThrows(IllegalStateException.class,
                () -> adapter.send(new AdapterMessage("s1", "Patient", "p1", "{\"resourceType\":\"Patient\"}")));
    }

    static ExampleAdapter.Config config(String system, String endpoint) {
        return new ExampleAdapter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ExampleAdapter.Config.class;
            }

            @Override
            public String system() {
                return system;
            }

            @Override
            public String endpoint() {
                return endpoint;
            }
        };
    }
}
