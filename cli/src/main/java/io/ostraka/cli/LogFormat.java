package io.ostraka.cli;

import java.util.Locale;

/**
 * Chooses how the process logs, before the first logger exists (DESIGN.md "Server": structured
 * logs in production, readable text in a terminal). {@code OSTRAKA_LOG_FORMAT=json|text}
 * decides when set; otherwise a terminal ({@link System#console()} present) gets text and
 * anything else (a service manager, a container, a pipe) gets one JSON object per line.
 *
 * <p>Two configuration files rather than one with conditions (logback's {@code <if>} needs
 * Janino): {@code logback.xml}, the text one, is what logback finds by itself, so tests and
 * embedders get text; for JSON, {@link #apply} points {@code logback.configurationFile} at
 * {@code logback-json.xml}. A {@code -Dlogback.configurationFile} given by the operator wins.
 */
enum LogFormat {
    TEXT, JSON;

    static final String ENV = "OSTRAKA_LOG_FORMAT";
    static final String JSON_CONFIG = "logback-json.xml";
    private static final String CONFIG_PROPERTY = "logback.configurationFile";

    private static volatile LogFormat selected = TEXT;

    /**
     * The format for a setting ({@code json}, {@code text}, {@code auto} or null/empty for auto)
     * and whether stdout is a terminal; an unknown setting throws with a one-line reason.
     */
    static LogFormat choose(String setting, boolean terminal) {
        String s = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "json" -> JSON;
            case "text" -> TEXT;
            case "", "auto" -> terminal ? TEXT : JSON;
            default -> throw new IllegalArgumentException(ENV + "=" + setting + ": must be json, text or auto");
        };
    }

    /** Makes {@code format} the one logback configures itself with; call before any logger is created. */
    static void apply(LogFormat format) {
        selected = format;
        if (format == JSON && System.getProperty(CONFIG_PROPERTY) == null) {
            System.setProperty(CONFIG_PROPERTY, JSON_CONFIG);
        }
    }

    /** What {@link #apply} chose: child processes ({@code ostraka local}) are told to log the same way. */
    static LogFormat selected() {
        return selected;
    }

    String setting() {
        return name().toLowerCase(Locale.ROOT);
    }
}
