package io.ostraka.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One operation of a {@link KvCommand}. The records validate their arguments against
 * {@link KvLimits} and throw {@link IllegalArgumentException} when built wrongly; the decoder
 * maps that to a decoding error. Byte arrays are not copied.
 *
 * <p>Semantics are documented in docs/kv.md and implemented by {@code CommandExecutor}.
 */
public sealed interface KvOp {
    OpCode code();

    /** Whether applying the operation may change the store. */
    boolean isWrite();

    /** Condition of a put, as Redis {@code SET NX} / {@code SET XX}. */
    enum PutCondition {
        /** Write unconditionally. */
        ALWAYS,
        /** NX: write only if the key does not exist. */
        IF_ABSENT,
        /** XX: write only if the key exists. */
        IF_PRESENT
    }

    /** Writes {@code value}; with {@code returnPrevious} the result carries the old value (SET ... GET). */
    record Put(byte[] key, byte[] value, PutCondition condition, boolean returnPrevious) implements KvOp {
        public Put {
            KvLimits.requireKey(key, "key");
            KvLimits.requireValue(value);
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public OpCode code() {
            return OpCode.PUT;
        }

        @Override
        public boolean isWrite() {
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && Arrays.equals(key, p.key) && Arrays.equals(value, p.value)
                    && condition == p.condition && returnPrevious == p.returnPrevious;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), condition, returnPrevious);
        }

        @Override
        public String toString() {
            return "Put[" + Bytes.display(key) + "=" + Bytes.display(value) + ", " + condition
                    + (returnPrevious ? ", GET" : "") + "]";
        }
    }

    /** Reads one key. */
    record Get(byte[] key) implements KvOp {
        public Get {
            KvLimits.requireKey(key, "key");
        }

        @Override
        public OpCode code() {
            return OpCode.GET;
        }

        @Override
        public boolean isWrite() {
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Get g && Arrays.equals(key, g.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Get[" + Bytes.display(key) + "]";
        }
    }

    /** Deletes 1..{@link KvLimits#DELETE_KEYS_MAX} keys; the result counts those that existed. */
    record Delete(List<byte[]> keys) implements KvOp {
        public Delete {
            KvLimits.require(keys != null && !keys.isEmpty(), "delete needs at least one key");
            if (keys.size() > KvLimits.DELETE_KEYS_MAX) {
                throw new IllegalArgumentException("delete of " + keys.size() + " keys exceeds " + KvLimits.DELETE_KEYS_MAX);
            }
            for (byte[] key : keys) {
                KvLimits.requireKey(key, "key");
            }
            keys = List.copyOf(keys);
        }

        @Override
        public OpCode code() {
            return OpCode.DELETE;
        }

        @Override
        public boolean isWrite() {
            return true;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Delete d) || d.keys.size() != keys.size()) {
                return false;
            }
            for (int i = 0; i < keys.size(); i++) {
                if (!Arrays.equals(keys.get(i), d.keys.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int hash = 1;
            for (byte[] key : keys) {
                hash = 31 * hash + Arrays.hashCode(key);
            }
            return hash;
        }

        @Override
        public String toString() {
            List<String> shown = new ArrayList<>(keys.size());
            for (byte[] key : keys) {
                shown.add(Bytes.display(key));
            }
            return "Delete" + shown;
        }
    }

    /**
     * Writes {@code value} only if the key's current version is {@code expectedVersion}
     * (0: the key must not exist) — optimistic locking.
     */
    record CompareAndSet(byte[] key, long expectedVersion, byte[] value) implements KvOp {
        public CompareAndSet {
            KvLimits.requireKey(key, "key");
            KvLimits.requireValue(value);
            if (expectedVersion < 0) {
                throw new IllegalArgumentException("expectedVersion " + expectedVersion + " < 0");
            }
        }

        @Override
        public OpCode code() {
            return OpCode.COMPARE_AND_SET;
        }

        @Override
        public boolean isWrite() {
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CompareAndSet c && Arrays.equals(key, c.key)
                    && expectedVersion == c.expectedVersion && Arrays.equals(value, c.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(key), expectedVersion, Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "CompareAndSet[" + Bytes.display(key) + " @v" + expectedVersion + " := "
                    + Bytes.display(value) + "]";
        }
    }

    /** Adds {@code delta} to a decimal integer value, as Redis INCRBY (a missing key counts as 0). */
    record Increment(byte[] key, long delta) implements KvOp {
        public Increment {
            KvLimits.requireKey(key, "key");
        }

        @Override
        public OpCode code() {
            return OpCode.INCREMENT;
        }

        @Override
        public boolean isWrite() {
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Increment i && Arrays.equals(key, i.key) && delta == i.delta;
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(key) + Long.hashCode(delta);
        }

        @Override
        public String toString() {
            return "Increment[" + Bytes.display(key) + " += " + delta + "]";
        }
    }

    /** Up to {@code limit} entries with {@code start <= key < end}; {@code end == null}: no bound. */
    record Scan(byte[] start, byte[] end, int limit) implements KvOp {
        public Scan {
            KvLimits.requireRangeBound(start, "start");
            if (end != null) {
                KvLimits.requireRangeBound(end, "end");
            }
            if (limit < 1 || limit > KvLimits.SCAN_LIMIT_MAX) {
                throw new IllegalArgumentException("scan limit " + limit + " outside [1, " + KvLimits.SCAN_LIMIT_MAX + "]");
            }
        }

        @Override
        public OpCode code() {
            return OpCode.SCAN;
        }

        @Override
        public boolean isWrite() {
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Scan s && Arrays.equals(start, s.start) && Arrays.equals(end, s.end)
                    && limit == s.limit;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(start), Arrays.hashCode(end), limit);
        }

        @Override
        public String toString() {
            return "Scan[" + Bytes.display(start) + ", " + (end == null ? "end" : Bytes.display(end))
                    + ") limit " + limit;
        }
    }

    /** The number of keys with {@code start <= key < end}; {@code Count("", null)} is DBSIZE. */
    record Count(byte[] start, byte[] end) implements KvOp {
        public Count {
            KvLimits.requireRangeBound(start, "start");
            if (end != null) {
                KvLimits.requireRangeBound(end, "end");
            }
        }

        @Override
        public OpCode code() {
            return OpCode.COUNT;
        }

        @Override
        public boolean isWrite() {
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Count c && Arrays.equals(start, c.start) && Arrays.equals(end, c.end);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(start) + Arrays.hashCode(end);
        }

        @Override
        public String toString() {
            return "Count[" + Bytes.display(start) + ", " + (end == null ? "end" : Bytes.display(end)) + ")";
        }
    }

    /**
     * Several point operations applied all-or-nothing: in order, each seeing the effects of the
     * ones before; if any fails (a condition, a wrong type, an overflow) none of them is applied.
     * Allowed inside: put, get, delete, compare-and-set, increment.
     */
    record Batch(List<KvOp> ops) implements KvOp {
        public Batch {
            KvLimits.require(ops != null && !ops.isEmpty(), "batch needs at least one operation");
            if (ops.size() > KvLimits.BATCH_OPS_MAX) {
                throw new IllegalArgumentException("batch of " + ops.size() + " operations exceeds " + KvLimits.BATCH_OPS_MAX);
            }
            for (KvOp op : ops) {
                KvLimits.require(op != null, "null operation in batch");
                if (!isAllowedInBatch(op.code())) {
                    throw new IllegalArgumentException(op.code() + " is not allowed inside a batch");
                }
            }
            ops = List.copyOf(ops);
        }

        static boolean isAllowedInBatch(OpCode code) {
            return code == OpCode.PUT || code == OpCode.GET || code == OpCode.DELETE
                    || code == OpCode.COMPARE_AND_SET || code == OpCode.INCREMENT;
        }

        @Override
        public OpCode code() {
            return OpCode.BATCH;
        }

        @Override
        public boolean isWrite() {
            return true;
        }
    }

    /**
     * Opens a client session for exactly-once writes (Raft dissertation §6.3, RegisterClient): the
     * result's {@code integer} is the new session's id, which is the index of this command in the
     * log, so no two sessions ever share one. Never part of a session itself, never in a batch.
     */
    record OpenSession() implements KvOp {
        @Override
        public OpCode code() {
            return OpCode.OPEN_SESSION;
        }

        @Override
        public boolean isWrite() {
            return true;
        }
    }
}
