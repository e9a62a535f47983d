package io.ostraka.kv;

import io.ostraka.raft.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An ordered list of puts and deletes that a {@link KvStore} applies atomically — the portable
 * form of a RocksDB {@code WriteBatch} — plus the state machine's metadata that must change with
 * them: the applied index the batch brings the store to, and the session records it writes or
 * drops. The state machine writes exactly one batch per applied command, so a durable store is
 * always at some applied index with exactly the data and sessions of that index.
 */
public final class KvWriteBatch {
    /** {@link #appliedIndex()} when the batch does not move the applied index. */
    public static final long NO_APPLIED_INDEX = -1;

    // A null value marks a delete.
    private final List<byte[]> keys = new ArrayList<>();
    private final List<VersionedValue> values = new ArrayList<>();
    // By session id; a null value marks a dropped session. The last change of an id wins.
    private final TreeMap<Long, KvSession> sessions = new TreeMap<>();
    private long appliedIndex = NO_APPLIED_INDEX;
    // The last put (or null: delete) of each key, for reads that must see this batch on top of the
    // store (the commands of one Raft batch share one write). Built from keys/values on the first
    // such read and caught up on later ones, so batches nobody reads through (restores) never pay.
    private TreeMap<byte[], VersionedValue> latest;
    private int latestIndexed;
    // The change in the store's key count, while every put and delete said whether its key existed.
    private long keyCountDelta;
    private boolean keyCountKnown = true;

    /** Puts {@code key}; the store finds out itself whether that adds a key. */
    public KvWriteBatch put(byte[] key, VersionedValue value) {
        keyCountKnown = false;
        return add(key, Objects.requireNonNull(value, "value"));
    }

    /**
     * Puts {@code key}, which {@code present}: had a value in the store with this batch's earlier
     * writes on top. The state machine knows this from the read every write starts with, which
     * spares the store a second lookup to keep its key count.
     */
    public KvWriteBatch put(byte[] key, VersionedValue value, boolean present) {
        if (!present) {
            keyCountDelta++;
        }
        return add(key, Objects.requireNonNull(value, "value"));
    }

    /** Deletes {@code key}; the store finds out itself whether it existed. */
    public KvWriteBatch delete(byte[] key) {
        keyCountKnown = false;
        return add(key, null);
    }

    /** Deletes {@code key}, which {@code present} (as for {@link #put(byte[], VersionedValue, boolean)}). */
    public KvWriteBatch delete(byte[] key, boolean present) {
        if (present) {
            keyCountDelta--;
        }
        return add(key, null);
    }

    private KvWriteBatch add(byte[] key, VersionedValue valueOrNull) {
        keys.add(Objects.requireNonNull(key, "key"));
        values.add(valueOrNull);
        return this;
    }

    /** Whether every put and delete said whether its key existed, so {@link #keyCountDelta()} is exact. */
    public boolean knowsKeyCountDelta() {
        return keyCountKnown;
    }

    /** How many keys the store gains (negative: loses) with this batch, if {@link #knowsKeyCountDelta()}. */
    public long keyCountDelta() {
        Invariants.check(keyCountKnown, "the batch has puts or deletes that did not say whether their key existed");
        return keyCountDelta;
    }

    /** Records (or replaces) a session. */
    public KvWriteBatch putSession(KvSession session) {
        sessions.put(Objects.requireNonNull(session, "session").id(), session);
        return this;
    }

    /** Drops the session {@code id} (expired or evicted). */
    public KvWriteBatch deleteSession(long id) {
        sessions.put(id, null);
        return this;
    }

    /** The store is at {@code index} once this batch is written. */
    public KvWriteBatch appliedIndex(long index) {
        Invariants.check(index >= 0, "applied index %d < 0", index);
        appliedIndex = index;
        return this;
    }

    /** The applied index this batch sets, or {@link #NO_APPLIED_INDEX}. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** Whether this batch puts or deletes {@code key}. */
    public boolean touches(byte[] key) {
        return !keys.isEmpty() && latest().containsKey(key);
    }

    /** The value {@code key} has once this batch is written, if {@link #touches}: null when deleted. */
    public VersionedValue latest(byte[] key) {
        return keys.isEmpty() ? null : latest().get(key);
    }

    private TreeMap<byte[], VersionedValue> latest() {
        if (latest == null) {
            latest = new TreeMap<>(Bytes.UNSIGNED_LEXICOGRAPHIC);
        }
        for (; latestIndexed < keys.size(); latestIndexed++) {
            latest.put(keys.get(latestIndexed), values.get(latestIndexed));
        }
        return latest;
    }

    /** The number of key puts and deletes (metadata not counted). */
    public int size() {
        return keys.size();
    }

    /** No key puts or deletes (there may still be metadata). */
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The number of session records written or dropped. */
    public int sessionChanges() {
        return sessions.size();
    }

    /** Replays the key puts and deletes in the order they were added. */
    public void forEach(Visitor visitor) {
        for (int i = 0; i < keys.size(); i++) {
            VersionedValue value = values.get(i);
            if (value == null) {
                visitor.delete(keys.get(i));
            } else {
                visitor.put(keys.get(i), value);
            }
        }
    }

    /** Replays the session changes in id order. */
    public void forEachSessionChange(SessionVisitor visitor) {
        for (Map.Entry<Long, KvSession> change : sessions.entrySet()) {
            if (change.getValue() == null) {
                visitor.deleteSession(change.getKey());
            } else {
                visitor.putSession(change.getValue());
            }
        }
    }

    /** Receives the key operations of a batch. */
    public interface Visitor {
        void put(byte[] key, VersionedValue value);

        void delete(byte[] key);
    }

    /** Receives the session changes of a batch. */
    public interface SessionVisitor {
        void putSession(KvSession session);

        void deleteSession(long id);
    }
}
