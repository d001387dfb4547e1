package org.carehost.context;

import java.time.Instant;
import java.util.Locale;

/**
 * A patient's directive: {@link Kind#RESEARCH} opts out of research use, {@link Kind#PLUGIN} opts out of the
 * named plugin (its symbolic name in {@code plugin}, empty otherwise).
 */
public record ConsentDirective(String tenant, String patientId, Kind kind, String plugin, String recordedBy,
        Instant recorded) {

    public enum Kind {
        RESEARCH, PLUGIN;

        public static Kind parse(String text) {
            try {
                return valueOf(String.valueOf(text).strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown consent directive '" + text + "'; one of: research, plugin");
            }
        }
    }

    /** How an operator reads it: "opts out of research use", "opts out of plugin org.example.x". */
    public String describe() {
        return kind == Kind.RESEARCH ? "opts out of research use" : "opts out of plugin " + plugin;
    }
}
