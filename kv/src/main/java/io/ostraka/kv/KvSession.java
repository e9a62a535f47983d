package io.ostraka.kv;

import io.ostraka.raft.Invariants;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the state machine remembers of one client session for exactly-once writes (Raft
 * dissertation §6.3): the last sequence applied (0 when it has only been opened), the exact
 * encoded result it returned (empty then), and the index of the session's last command. Stored with the data so a restart keeps deduplicating.
 *
 * <p>The result array is not copied: whoever builds a {@code KvSession} hands it over.
 */
public record KvSession(long id, long lastSequence, byte[] lastResult, long lastActiveIndex) {
    // Invariant: id != 0, lastSequence >= 0 (0: opened, nothing applied yet), lastActiveIndex >= 1.
    public KvSession {
        Objects.requireNonNull(lastResult, "lastResult");
        Invariants.check(id != 0, "session id 0");
        Invariants.check(lastSequence >= 0, "session %d: lastSequence %d < 0", id, lastSequence);
        Invariants.check(lastActiveIndex >= 1, "session %d: lastActiveIndex %d < 1", id, lastActiveIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KvSession that && id == that.id && lastSequence == that.lastSequence
                && lastActiveIndex == that.lastActiveIndex && Arrays.equals(lastResult, that.lastResult);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, lastSequence, lastActiveIndex, Arrays.hashCode(lastResult));
    }

    @Override
    public String toString() {
        return "KvSession[id=" + id + ", lastSequence=" + lastSequence + ", lastActiveIndex=" + lastActiveIndex
                + ", lastResult=" + lastResult.length + " bytes]";
    }
}
