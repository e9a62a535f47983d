package io.ostraka.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs every {@link NodeEvent} on the {@code io.ostraka.events} logger: a readable message for a
 * terminal, and the fields as SLF4J key-value pairs ({@code event}, {@code node}, {@code group},
 * {@code term}, {@code index}, {@code peer}, {@code detail}, and the byte counts of transfers)
 * which a JSON encoder turns into top-level fields. Transfer progress is DEBUG, failures WARN,
 * everything else INFO.
 */
final class EventLog {
    static final String LOGGER = "io.ostraka.events";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private EventLog() {
    }

    static void log(NodeEvent e) {
        Level level = switch (e.type()) {
            case SNAPSHOT_TRANSFER_PROGRESS -> Level.DEBUG;
            case SNAPSHOT_FAILED, SNAPSHOT_TRANSFER_FAILED -> Level.WARN;
            default -> Level.INFO;
        };
        if (!log.isEnabledForLevel(level)) {
            return;
        }
        LoggingEventBuilder b = log.atLevel(level)
                .addKeyValue("event", e.type().eventName())
                .addKeyValue("node", e.nodeId())
                .addKeyValue("group", e.groupId())
                .addKeyValue("term", e.term())
                .addKeyValue("index", e.index())
                .addKeyValue("peer", e.peer())
                .addKeyValue("detail", e.detail());
        if (e.totalBytes() != 0) {
            b = b.addKeyValue("bytes", e.bytes()).addKeyValue("totalBytes", e.totalBytes());
        }
        b.log(e.toString());
    }
}
