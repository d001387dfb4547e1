package org.carehost.console.internal;

import java.io.IOException;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.carehost.shell.CommandArguments;
import org.carehost.logging.LogAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code log:} scope, as Karaf has it: a thin layer over {@link LogAdmin}. */
@Component(service = LogCommands.class, property = { "osgi.command.scope=log", "osgi.command.function=tail",
        "osgi.command.function=level" })
public final class LogCommands {

    private final LogAdmin log;

    @Activate
    public LogCommands(@Reference LogAdmin log) {
        this.log = log;
    }

    @Descriptor("show the last lines of the container's log file (data/log/carehost.log)")
    public String tail() throws IOException {
        return tail(20L);
    }

    @Descriptor("show the last lines of the container's log file (data/log/carehost.log)")
    public String tail(@Descriptor("how many lines, 1-10000") long lines) throws IOException {
        return String.join(System.lineSeparator(), log.tail(CommandArguments.intIn("the number of lines", lines, 1,
                10_000)));
    }

    @Descriptor("list the loggers that have a level of their own")
    public String level() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> entry : log.levels().entrySet()) {
            text.append(String.format("%-50s %s%n", entry.getKey(), entry.getValue()));
        }
        return text.toString().stripTrailing();
    }

    @Descriptor("show one logger's level (ROOT for the root logger)")
    public String level(@Descriptor("logger name, e.g. org.carehost.plugins, or ROOT") String logger) {
        String level = log.levels().get(logger);
        return logger + " " + (level == null ? "(inherits)" : level);
    }

    @Descriptor("set a logger's level, in force at once and kept across restarts (INHERIT removes it)")
    public String level(@Descriptor("logger name, e.g. org.carehost.plugins, or ROOT") String logger,
            @Descriptor("TRACE, DEBUG, INFO, WARN, ERROR, OFF or INHERIT") String level) throws IOException {
        log.setLevel(logger, level);
        return level(logger);
    }
}
