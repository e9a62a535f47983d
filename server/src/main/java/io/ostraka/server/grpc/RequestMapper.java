package io.ostraka.server.grpc;

import com.google.protobuf.ByteString;
import io.ostraka.api.kv.v1.BatchOp;
import io.ostraka.api.kv.v1.BatchRequest;
import io.ostraka.api.kv.v1.CompareAndSetRequest;
import io.ostraka.api.kv.v1.Consistency;
import io.ostraka.api.kv.v1.CountRequest;
import io.ostraka.api.kv.v1.DeleteRequest;
import io.ostraka.api.kv.v1.GetRequest;
import io.ostraka.api.kv.v1.IncrementRequest;
import io.ostraka.api.kv.v1.PutCondition;
import io.ostraka.api.kv.v1.PutRequest;
import io.ostraka.api.kv.v1.ReadOptions;
import io.ostraka.api.kv.v1.ScanRequest;
import io.ostraka.api.kv.v1.Session;
import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.ReadConsistency;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns wire requests into {@link KvCommand}s and {@link KvOp}s, validating every field against
 * {@link RequestLimits} first so that a bad request fails with a message naming the field
 * ("key", "ops[3].put.value", "session.sequence") instead of an exception from deep inside the
 * state machine's records.
 */
final class RequestMapper {
    private final RequestLimits limits;

    RequestMapper(RequestLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    // ---- Writes ----------------------------------------------------------------------------------

    KvCommand put(PutRequest request) throws InvalidFieldException {
        KvOp op = putOp("", request.getKey(), request.getValue(), request.getConditionValue(),
                request.getReturnPrevious());
        return withSession(op, request.hasSession() ? request.getSession() : null);
    }

    KvCommand delete(DeleteRequest request) throws InvalidFieldException {
        return withSession(deleteOp("", request.getKeysList()), request.hasSession() ? request.getSession() : null);
    }

    KvCommand compareAndSet(CompareAndSetRequest request) throws InvalidFieldException {
        KvOp op = casOp("", request.getKey(), request.getExpectedVersion(), request.getValue());
        return withSession(op, request.hasSession() ? request.getSession() : null);
    }

    KvCommand increment(IncrementRequest request) throws InvalidFieldException {
        KvOp op = new KvOp.Increment(key("key", request.getKey()), request.getDelta());
        return withSession(op, request.hasSession() ? request.getSession() : null);
    }

    KvCommand batch(BatchRequest request) throws InvalidFieldException {
        int count = request.getOpsCount();
        if (count == 0) {
            throw new InvalidFieldException("ops", "a batch needs at least one operation");
        }
        if (count > limits.batchOpsMax()) {
            throw new InvalidFieldException("ops", count + " operations exceed the maximum " + limits.batchOpsMax());
        }
        List<KvOp> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ops.add(batchOp("ops[" + i + "]", request.getOps(i)));
        }
        return withSession(new KvOp.Batch(ops), request.hasSession() ? request.getSession() : null);
    }

    private KvOp batchOp(String field, BatchOp op) throws InvalidFieldException {
        switch (op.getOpCase()) {
            case PUT:
                return putOp(field + ".put.", op.getPut().getKey(), op.getPut().getValue(),
                        op.getPut().getConditionValue(), op.getPut().getReturnPrevious());
            case GET:
                return new KvOp.Get(key(field + ".get.key", op.getGet().getKey()));
            case DELETE:
                return deleteOp(field + ".delete.", op.getDelete().getKeysList());
            case COMPARE_AND_SET:
                return casOp(field + ".compare_and_set.", op.getCompareAndSet().getKey(),
                        op.getCompareAndSet().getExpectedVersion(), op.getCompareAndSet().getValue());
            case INCREMENT:
                return new KvOp.Increment(key(field + ".increment.key", op.getIncrement().getKey()),
                        op.getIncrement().getDelta());
            default:
                throw new InvalidFieldException(field, "no operation set");
        }
    }

    private KvOp putOp(String prefix, ByteString key, ByteString value, int condition, boolean returnPrevious)
            throws InvalidFieldException {
        KvOp.PutCondition putCondition;
        if (condition == PutCondition.NONE_VALUE) {
            putCondition = KvOp.PutCondition.ALWAYS;
        } else if (condition == PutCondition.IF_ABSENT_VALUE) {
            putCondition = KvOp.PutCondition.IF_ABSENT;
        } else if (condition == PutCondition.IF_PRESENT_VALUE) {
            putCondition = KvOp.PutCondition.IF_PRESENT;
        } else {
            throw new InvalidFieldException(prefix + "condition", "unknown condition " + condition);
        }
        return new KvOp.Put(key(prefix + "key", key), value(prefix + "value", value), putCondition, returnPrevious);
    }

    private KvOp deleteOp(String prefix, List<ByteString> keys) throws InvalidFieldException {
        String field = prefix + "keys";
        if (keys.isEmpty()) {
            throw new InvalidFieldException(field, "a delete needs at least one key");
        }
        if (keys.size() > limits.deleteKeysMax()) {
            throw new InvalidFieldException(field, keys.size() + " keys exceed the maximum " + limits.deleteKeysMax());
        }
        List<byte[]> bytes = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            bytes.add(key(field + "[" + i + "]", keys.get(i)));
        }
        return new KvOp.Delete(bytes);
    }

    private KvOp casOp(String prefix, ByteString key, long expectedVersion, ByteString value)
            throws InvalidFieldException {
        if (expectedVersion < 0) {
            throw new InvalidFieldException(prefix + "expected_version", "version " + Long.toUnsignedString(
                    expectedVersion) + " is beyond the signed 64-bit range");
        }
        return new KvOp.CompareAndSet(key(prefix + "key", key), expectedVersion, value(prefix + "value", value));
    }

    private static KvCommand withSession(KvOp op, Session session) throws InvalidFieldException {
        KvCommand command = KvCommand.of(op);
        if (session == null || session.getId() == 0) {
            if (session != null && session.getSequence() != 0) {
                throw new InvalidFieldException("session.id", "a sequence needs a non-zero session id");
            }
            return command;
        }
        if (session.getSequence() == 0) {
            throw new InvalidFieldException("session.sequence", "must be 1 or more (got 0)");
        }
        if (session.getSequence() < 0) { // a uint64 at or above 2^63
            throw new InvalidFieldException("session.sequence", "must be below 2^63 (got "
                    + Long.toUnsignedString(session.getSequence()) + ")");
        }
        return command.withSession(session.getId(), session.getSequence());
    }

    // ---- Reads -----------------------------------------------------------------------------------

    KvOp get(GetRequest request) throws InvalidFieldException {
        return new KvOp.Get(key("key", request.getKey()));
    }

    KvOp scan(ScanRequest request) throws InvalidFieldException {
        byte[] start = rangeBound("start", request.getStart());
        byte[] end = request.hasEnd() ? rangeBound("end", request.getEnd()) : null;
        int limit = request.getLimit();
        if (limit < 0 || limit > limits.scanLimitMax()) {
            throw new InvalidFieldException("limit", Integer.toUnsignedString(limit) + " exceeds the maximum "
                    + limits.scanLimitMax());
        }
        return new KvOp.Scan(start, end, limit == 0 ? limits.scanLimitDefault() : limit);
    }

    KvOp count(CountRequest request) throws InvalidFieldException {
        byte[] start = rangeBound("start", request.getStart());
        byte[] end = request.hasEnd() ? rangeBound("end", request.getEnd()) : null;
        return new KvOp.Count(start, end);
    }

    static ReadConsistency consistency(ReadOptions read, ReadConsistency unspecified) throws InvalidFieldException {
        switch (read.getConsistencyValue()) {
            case Consistency.CONSISTENCY_UNSPECIFIED_VALUE:
                return unspecified;
            case Consistency.LINEARIZABLE_VALUE:
                return ReadConsistency.LINEARIZABLE;
            case Consistency.LEASE_VALUE:
                return ReadConsistency.LEASE;
            case Consistency.FOLLOWER_VALUE:
                return ReadConsistency.FOLLOWER;
            case Consistency.STALE_VALUE:
                return ReadConsistency.STALE;
            default:
                throw new InvalidFieldException("read.consistency", "unknown consistency " + read.getConsistencyValue());
        }
    }

    static long minIndex(ReadOptions read) throws InvalidFieldException {
        if (read.getMinIndex() < 0) {
            throw new InvalidFieldException("read.min_index", Long.toUnsignedString(read.getMinIndex())
                    + " is beyond the signed 64-bit range");
        }
        return read.getMinIndex();
    }

    // ---- Fields ----------------------------------------------------------------------------------

    private byte[] key(String field, ByteString key) throws InvalidFieldException {
        if (key.isEmpty() && !limits.emptyKeyAllowed()) {
            throw new InvalidFieldException(field, "the key is empty");
        }
        if (key.size() > limits.keyBytesMax()) {
            throw new InvalidFieldException(field, "key of " + key.size() + " bytes exceeds the maximum "
                    + limits.keyBytesMax());
        }
        return key.toByteArray();
    }

    /** A range bound may be one byte longer than a key: the successor of the longest key is one. */
    private byte[] rangeBound(String field, ByteString bound) throws InvalidFieldException {
        if (bound.size() > limits.keyBytesMax() + 1) {
            throw new InvalidFieldException(field, bound.size() + " bytes exceed the maximum range bound "
                    + (limits.keyBytesMax() + 1) + " (the maximum key size plus one)");
        }
        return bound.toByteArray();
    }

    private byte[] value(String field, ByteString value) throws InvalidFieldException {
        if (value.size() > limits.valueBytesMax()) {
            throw new InvalidFieldException(field, "value of " + value.size() + " bytes exceeds the maximum "
                    + limits.valueBytesMax());
        }
        return value.toByteArray();
    }
}
