package io.ostraka.log.segment;

/**
 * What a record means. The numeric codes are part of the on-disk format
 * ({@code docs/storage-format.md}); never renumber them.
 */
public enum RecordType {
    /** A batch of consecutive entries of one group; replaces the group's suffix from its first index. */
    ENTRIES(1),
    /** The group's hard state (term, vote, commit). */
    HARD_STATE(2),
    /** A snapshot installed from the leader: the group's log restarts after the snapshot index. */
    SNAPSHOT(3),
    /** A snapshot taken locally, and the compaction point (index, term) it allows. */
    COMPACT(4),
    /** Everything live of one group, rewritten forward so an old segment can be purged. */
    CHECKPOINT(5),
    /** The last record of a full segment; the engine moved on to the next segment. */
    SEAL(6);

    public final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The type for a code, or null when the code is unknown (a damaged or foreign record). */
    public static RecordType ofCode(int code) {
        for (RecordType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
