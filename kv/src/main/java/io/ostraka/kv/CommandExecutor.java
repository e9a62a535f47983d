package io.ostraka.kv;

import io.ostraka.raft.Invariants;
import java.util.ArrayList;
import java.util.List;

/**
 * Executes one operation at a Raft index against a store. Point writes are staged in
 * {@link PendingWrites} and join the command's {@link KvWriteBatch} (which the state machine writes
 * atomically with the applied index and session changes) only if the operation (every operation,
 * for a batch) succeeded; reads go to the store directly.
 *
 * <p>Everything here is a pure function of (store contents, op, index): no clock, no randomness,
 * no iteration over unordered collections.
 */
final class CommandExecutor {
    private CommandExecutor() {}

    /** Applies {@code op} as the command at {@code index}, adding its writes (if it succeeded) to {@code out}. */
    static KvResult execute(KvStore store, KvOp op, long index, KvWriteBatch out) {
        if (op instanceof KvOp.Scan scan) {
            return scan(store, scan);
        }
        if (op instanceof KvOp.Count count) {
            return count(store, count);
        }
        PendingWrites pending = new PendingWrites(store);
        KvResult result = op instanceof KvOp.Batch batch
                ? batch(pending, batch, index)
                : point(pending, op, index);
        if (!result.status().abortsBatch()) {
            pending.commitTo(out);
        }
        return result;
    }

    /** Serves a read-only operation (get, scan, count) without an index; writes are refused. */
    static KvResult query(KvStore store, KvOp op) {
        if (op.isWrite()) {
            return KvResult.invalidRequest(op.code() + " is a write; writes go through the log");
        }
        // A read stages nothing, so the index it would carry is never used.
        KvWriteBatch none = new KvWriteBatch();
        KvResult result = execute(store, op, 0, none);
        Invariants.check(none.isEmpty(), "read-only %s staged %d writes", op.code(), none.size());
        return result;
    }

    private static KvResult batch(PendingWrites pending, KvOp.Batch batch, long index) {
        List<KvResult> results = new ArrayList<>(batch.ops().size());
        long resultBytes = 0;
        for (int i = 0; i < batch.ops().size(); i++) {
            KvOp op = batch.ops().get(i);
            KvResult result = point(pending, op, index);
            resultBytes += result.value() == null ? 0 : result.value().length;
            if (resultBytes > KvLimits.BATCH_RESULT_BYTES_MAX) {
                // The result is kept in the session table and in snapshots, and every replica
                // builds it: a tiny batch of gets of one large value must not be able to make it
                // gigabytes (a replica that runs out of memory applying it fails again on replay).
                return KvResult.builder(KvStatus.INVALID_REQUEST)
                        .reason("batch operation " + i + " (" + op.code() + ") failed, nothing applied: the batch's results"
                                + " would exceed " + KvLimits.BATCH_RESULT_BYTES_MAX + " bytes; split it")
                        .failedOp(i)
                        .build();
            }
            results.add(result);
            if (result.status().abortsBatch()) {
                return KvResult.builder(result.status())
                        .reason("batch operation " + i + " (" + op.code() + ") failed, nothing applied: "
                                + (result.reason() == null ? result.status() : result.reason()))
                        .results(results)
                        .failedOp(i)
                        .build();
            }
        }
        return KvResult.builder(KvStatus.OK).results(results).build();
    }

    private static KvResult point(PendingWrites pending, KvOp op, long index) {
        if (op instanceof KvOp.Put put) {
            return put(pending, put, index);
        }
        if (op instanceof KvOp.Get get) {
            return get(pending, get);
        }
        if (op instanceof KvOp.Delete delete) {
            return delete(pending, delete);
        }
        if (op instanceof KvOp.CompareAndSet cas) {
            return compareAndSet(pending, cas, index);
        }
        if (op instanceof KvOp.Increment increment) {
            return increment(pending, increment, index);
        }
        throw new IllegalStateException(op.code() + " is not a point operation");
    }

    private static KvResult put(PendingWrites pending, KvOp.Put put, long index) {
        VersionedValue current = pending.get(put.key());
        boolean conditionHolds = switch (put.condition()) {
            case ALWAYS -> true;
            case IF_ABSENT -> current == null;
            case IF_PRESENT -> current != null;
        };
        if (!conditionHolds) {
            KvResult.Builder failed = KvResult.builder(KvStatus.CONDITION_FAILED)
                    .reason(current == null ? "key " + Bytes.display(put.key()) + " does not exist (XX)"
                            : "key " + Bytes.display(put.key()) + " exists (NX)")
                    .versionInfoOf(current);
            if (put.returnPrevious() && current != null) {
                failed.value(current.value());
            }
            return failed.build();
        }
        VersionedValue written = write(pending, put.key(), current, put.value(), index);
        KvResult.Builder ok = KvResult.builder(KvStatus.OK).versionInfoOf(written);
        if (put.returnPrevious() && current != null) {
            ok.value(current.value());
        }
        return ok.build();
    }

    private static KvResult get(PendingWrites pending, KvOp.Get get) {
        VersionedValue current = pending.get(get.key());
        if (current == null) {
            return KvResult.builder(KvStatus.NOT_FOUND).build();
        }
        return KvResult.builder(KvStatus.OK).value(current.value()).versionInfoOf(current).build();
    }

    private static KvResult delete(PendingWrites pending, KvOp.Delete delete) {
        long deleted = 0;
        for (byte[] key : delete.keys()) {
            if (pending.get(key) != null) {
                pending.delete(key);
                deleted++;
            }
        }
        return KvResult.builder(KvStatus.OK).integer(deleted).build();
    }

    private static KvResult compareAndSet(PendingWrites pending, KvOp.CompareAndSet cas, long index) {
        VersionedValue current = pending.get(cas.key());
        long currentVersion = current == null ? 0 : current.version();
        if (currentVersion != cas.expectedVersion()) {
            return KvResult.builder(KvStatus.CONDITION_FAILED)
                    .reason("key " + Bytes.display(cas.key()) + " is at version " + currentVersion
                            + ", expected " + cas.expectedVersion())
                    .versionInfoOf(current)
                    .build();
        }
        VersionedValue written = write(pending, cas.key(), current, cas.value(), index);
        return KvResult.builder(KvStatus.OK).versionInfoOf(written).build();
    }

    private static KvResult increment(PendingWrites pending, KvOp.Increment increment, long index) {
        VersionedValue current = pending.get(increment.key());
        long base = 0;
        if (current != null) {
            Long parsed = DecimalInteger.parse(current.value());
            if (parsed == null) {
                String problem = DecimalInteger.looksNumeric(current.value())
                        ? " is not a canonical decimal integer in the signed 64-bit range"
                        : " is not a decimal integer";
                return KvResult.failure(KvStatus.WRONG_TYPE, "value " + Bytes.display(current.value())
                        + " of key " + Bytes.display(increment.key()) + problem);
            }
            base = parsed;
        }
        long delta = increment.delta();
        long sum = base + delta;
        // Overflow iff both operands have the same sign and the sum's sign differs (Hacker's Delight 2-13).
        if (((base ^ sum) & (delta ^ sum)) < 0) {
            return KvResult.failure(KvStatus.OVERFLOW, "increment of key " + Bytes.display(increment.key())
                    + " would overflow: " + base + " + " + delta + " is outside the signed 64-bit range");
        }
        VersionedValue written = write(pending, increment.key(), current, DecimalInteger.format(sum), index);
        return KvResult.builder(KvStatus.OK).integer(sum).versionInfoOf(written).build();
    }

    private static VersionedValue write(PendingWrites pending, byte[] key, VersionedValue current, byte[] value,
            long index) {
        VersionedValue written = current == null ? VersionedValue.created(value, index) : current.updated(value, index);
        pending.put(key, written);
        return written;
    }

    private static KvResult scan(KvStore store, KvOp.Scan scan) {
        // One extra entry tells whether the limit cut the range short; reaching the byte budget
        // may have too (the caller goes on from the last key, as after the limit).
        List<KvEntry> found = store.scan(scan.start(), scan.end(), scan.limit() + 1, KvLimits.SCAN_RESULT_BYTES_MAX);
        boolean more = found.size() > scan.limit();
        List<KvEntry> entries = more ? found.subList(0, scan.limit()) : found;
        if (!more) {
            long bytes = 0;
            for (KvEntry e : entries) {
                bytes += e.sizeBytes();
            }
            more = bytes >= KvLimits.SCAN_RESULT_BYTES_MAX;
        }
        return KvResult.builder(KvStatus.OK).entries(entries, more).build();
    }

    private static KvResult count(KvStore store, KvOp.Count count) {
        return KvResult.builder(KvStatus.OK).integer(store.count(count.start(), count.end())).build();
    }
}
