package io.ostraka.raft;

import io.ostraka.raft.confchange.ConfChange;
import io.ostraka.raft.confchange.Changer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configurations defined by the log. Following the Raft thesis (§4.1), a server uses the
 * latest configuration in its log, committed or not: a configuration takes effect when its
 * entry is appended, and reverts when a conflicting suffix removes that entry.
 *
 * <p>Holds a base configuration (from the snapshot, or the last configuration at or below the
 * commit index) plus one configuration per uncommitted-or-recent conf-change entry. Entries
 * at or below the commit index are folded into the base, since a commit never moves back.
 */
final class ConfigHistory {
    private long baseIndex;
    private ConfState base;
    /** index of a conf-change entry → configuration in force from that index on. */
    private final TreeMap<Long, ConfState> changes = new TreeMap<>();

    ConfigHistory(long baseIndex, ConfState base) {
        this.baseIndex = baseIndex;
        this.base = base;
    }

    ConfState current() {
        return changes.isEmpty() ? base : changes.lastEntry().getValue();
    }

    /** The last configuration known committed. */
    ConfState committed() {
        return base;
    }

    /** Index of the entry that defined the current configuration (the base index if none). */
    long currentIndex() {
        return changes.isEmpty() ? baseIndex : changes.lastKey();
    }

    /** Applies a conf-change entry appended at {@code index} on top of the current configuration. */
    ConfState append(long index, ConfChange change) {
        Invariants.check(index > currentIndex(), "conf entry %d not after %d", index, currentIndex());
        ConfState next = Changer.apply(current(), change);
        changes.put(index, next);
        return next;
    }

    /** Forgets the configurations of entries at or after {@code fromIndex} (a truncated suffix). */
    void truncateFrom(long fromIndex) {
        Invariants.check(fromIndex > baseIndex, "truncating configurations from %d at or below base %d", fromIndex, baseIndex);
        changes.tailMap(fromIndex, true).clear();
    }

    /** Folds configurations at or below the commit index into the base. */
    void committedTo(long committed) {
        Map.Entry<Long, ConfState> last = changes.floorEntry(committed);
        if (last != null) {
            baseIndex = last.getKey();
            base = last.getValue();
            changes.headMap(committed, true).clear();
        }
    }

    /** Replaces everything with a snapshot's configuration. */
    void reset(long index, ConfState conf) {
        baseIndex = index;
        base = conf;
        changes.clear();
    }
}
