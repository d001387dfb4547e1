package org.carehost.sample.hello;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * A plugin in one class. Registering a service with the {@code osgi.command.*} properties is all it
 * takes to add a shell command: the shell picks it up, no shell API needed. {@code immediate} makes it
 * active as soon as the plugin starts (instead of on first use), so its log line shows at once.
 */
@Component(service = HelloCommand.class, immediate = true, property = {
        "osgi.command.scope=hello",
        "osgi.command.function=greet"
})
public class HelloCommand {

    private final Logger log;

    @Activate
    public HelloCommand(@Reference(service = LoggerFactory.class) Logger log) {
        this.log = log;
        log.info("hello plugin activated");
    }

    @Deactivate
    void deactivate() {
        log.info("hello plugin deactivated");
    }

    /** {@code hello:greet} */
    public String greet() {
        return greet("world");
    }

    /** {@code hello:greet <name>} */
    public String greet(String name) {
        return "Hello, " + name + ", from a Carehost plugin!";
    }
}
