package io.ostraka.log;

import java.nio.file.Path;

/**
 * Damaged data where the engine cannot prove it was never acknowledged: corruption in a sealed
 * segment, or in the last segment followed by intact later writes. Startup stops with this
 * error rather than silently dropping committed entries; {@link LogRepair} can truncate
 * explicitly once an operator has decided to.
 */
public final class LogCorruptionException extends RuntimeException {
    private final Path file;
    private final long offsetBytes;
    private final long groupId;

    /** {@code groupId} is -1 when the damage is not attributable to one group. */
    public LogCorruptionException(Path file, long offsetBytes, long groupId, String detail) {
        super(file + " at offset " + offsetBytes + (groupId >= 0 ? " (group " + groupId + ")" : "") + ": " + detail);
        this.file = file;
        this.offsetBytes = offsetBytes;
        this.groupId = groupId;
    }

    public Path file() {
        return file;
    }

    public long offsetBytes() {
        return offsetBytes;
    }

    public long groupId() {
        return groupId;
    }
}
