package io.ostraka.server.grpc;

import io.ostraka.kv.KvLimits;
import io.ostraka.kv.ReadConsistency;

/**
 * What the gRPC front end accepts, checked before a request reaches Raft so that an oversize or
 * absurd request fails fast with INVALID_ARGUMENT naming the field. Each limit may be lowered
 * below the state machine's own ({@link KvLimits}) but never raised above it: the state machine
 * would refuse the command anyway, after it had cost a log entry.
 *
 * @param keyBytesMax longest key
 * @param valueBytesMax longest value
 * @param scanLimitMax largest scan limit
 * @param scanLimitDefault the limit of a scan that asks for 0
 * @param deleteKeysMax most keys in one delete
 * @param batchOpsMax most operations in one batch
 * @param emptyKeyAllowed whether point operations accept the empty key (the store does; etcd
 *     does not, and an empty key is more often a client bug than intended)
 */
public record RequestLimits(int keyBytesMax, int valueBytesMax, int scanLimitMax, int scanLimitDefault,
                            int deleteKeysMax, int batchOpsMax, boolean emptyKeyAllowed,
                            ReadConsistency readConsistencyDefault) {
    public static final RequestLimits DEFAULT = new RequestLimits(KvLimits.KEY_BYTES_MAX, KvLimits.VALUE_BYTES_MAX,
            KvLimits.SCAN_LIMIT_MAX, 1000, KvLimits.DELETE_KEYS_MAX, KvLimits.BATCH_OPS_MAX, false,
            ReadConsistency.LINEARIZABLE);

    public RequestLimits {
        java.util.Objects.requireNonNull(readConsistencyDefault, "readConsistencyDefault");
        requireWithin("keyBytesMax", keyBytesMax, 1, KvLimits.KEY_BYTES_MAX);
        requireWithin("valueBytesMax", valueBytesMax, 0, KvLimits.VALUE_BYTES_MAX);
        requireWithin("scanLimitMax", scanLimitMax, 1, KvLimits.SCAN_LIMIT_MAX);
        requireWithin("scanLimitDefault", scanLimitDefault, 1, scanLimitMax);
        requireWithin("deleteKeysMax", deleteKeysMax, 1, KvLimits.DELETE_KEYS_MAX);
        requireWithin("batchOpsMax", batchOpsMax, 1, KvLimits.BATCH_OPS_MAX);
    }

    public RequestLimits withKeyBytesMax(int bytes) {
        return new RequestLimits(bytes, valueBytesMax, scanLimitMax, scanLimitDefault, deleteKeysMax, batchOpsMax,
                emptyKeyAllowed, readConsistencyDefault);
    }

    public RequestLimits withValueBytesMax(int bytes) {
        return new RequestLimits(keyBytesMax, bytes, scanLimitMax, scanLimitDefault, deleteKeysMax, batchOpsMax,
                emptyKeyAllowed, readConsistencyDefault);
    }

    public RequestLimits withEmptyKeyAllowed(boolean allowed) {
        return new RequestLimits(keyBytesMax, valueBytesMax, scanLimitMax, scanLimitDefault, deleteKeysMax,
                batchOpsMax, allowed, readConsistencyDefault);
    }

    /** The consistency of a read whose request leaves it unspecified (--read-consistency). */
    public RequestLimits withReadConsistencyDefault(ReadConsistency consistency) {
        return new RequestLimits(keyBytesMax, valueBytesMax, scanLimitMax, scanLimitDefault, deleteKeysMax,
                batchOpsMax, emptyKeyAllowed, consistency);
    }

    private static void requireWithin(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " is outside [" + min + ", " + max + "]");
        }
    }
}
