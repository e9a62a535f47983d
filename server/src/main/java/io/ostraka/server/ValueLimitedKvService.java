package io.ostraka.server;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.ReadConsistency;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link KvService} that refuses writes carrying a value over the operator's limit
 * ({@code --max-value-bytes}, at most the store's own {@code KvLimits.VALUE_BYTES_MAX}) before
 * they reach the log: an INVALID_REQUEST result naming the size and the setting. Used in front of
 * every client-facing front end (RESP, gRPC), so both refuse the same values.
 */
public final class ValueLimitedKvService implements KvService {
    private final KvService delegate;
    private final int valueBytesMax;

    public ValueLimitedKvService(KvService delegate, int valueBytesMax) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (valueBytesMax < 0) {
            throw new IllegalArgumentException("valueBytesMax " + valueBytesMax + " < 0");
        }
        this.valueBytesMax = valueBytesMax;
    }

    @Override
    public CompletableFuture<Result> write(KvCommand command) {
        long largest = largestValue(command.op());
        if (largest > valueBytesMax) {
            return CompletableFuture.completedFuture(new Result(KvResult.invalidRequest("value of " + largest
                    + " bytes exceeds the maximum " + valueBytesMax + " (max-value-bytes)"), 0));
        }
        return delegate.write(command);
    }

    private static long largestValue(KvOp op) {
        if (op instanceof KvOp.Put put) {
            return put.value().length;
        }
        if (op instanceof KvOp.CompareAndSet cas) {
            return cas.value().length;
        }
        if (op instanceof KvOp.Batch batch) {
            long largest = 0;
            for (KvOp inner : batch.ops()) {
                largest = Math.max(largest, largestValue(inner));
            }
            return largest;
        }
        return 0;
    }

    @Override
    public CompletableFuture<Result> read(KvOp op, ReadConsistency consistency, long minIndex) {
        return delegate.read(op, consistency, minIndex);
    }

    @Override
    public Map<String, String> info() {
        return delegate.info();
    }
}
