package io.ostraka.raft;

import java.util.Objects;

/**
 * What the core knows of a snapshot: the last index and term it covers and the configuration
 * in force at that index. The snapshot's bytes never pass through the core; the runtime keeps
 * them in its snapshot store and streams them to followers alongside {@code SNAPSHOT} messages.
 */
public record SnapshotMetadata(long index, long term, ConfState conf) {
    public static final SnapshotMetadata EMPTY = new SnapshotMetadata(0, 0, ConfState.EMPTY);

    public SnapshotMetadata {
        Objects.requireNonNull(conf, "conf");
        Invariants.check(index >= 0 && term >= 0, "snapshot index %d / term %d negative", index, term);
        Invariants.check((index == 0) == (term == 0), "snapshot index %d with term %d", index, term);
    }

    public boolean isEmpty() {
        return index == 0;
    }
}
