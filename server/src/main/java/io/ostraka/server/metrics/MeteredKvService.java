package io.ostraka.server.metrics;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.node.Clock;
import io.ostraka.node.OstrakaException;
import io.ostraka.server.KvService;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Counts and times every request to a {@link KvService}: the one place RESP, gRPC and the HTTP
 * admin all pass through, so each request is counted once whichever front end took it. A write a
 * follower forwards is counted on the follower that took it; the leader proposing it on the
 * follower's behalf does not count it again.
 *
 * <p>Labels: {@code op} is the operation ({@code put}, {@code get}, {@code delete},
 * {@code compare_and_set}, {@code increment}, {@code scan}, {@code count}, {@code batch});
 * {@code result} is {@code ok} or the error code ({@code not_leader}, {@code no_quorum},
 * {@code timeout}, {@code stopped}, {@code invalid_request}, …). A compare-and-set that finds
 * another version is {@code ok}: the store answered it.
 */
public final class MeteredKvService implements KvService {
    private final KvService delegate;
    private final KvInstruments instruments;
    private final Clock clock;

    public MeteredKvService(KvService delegate, ServerMetrics metrics, Clock clock) {
        this.delegate = delegate;
        this.instruments = metrics.kv();
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Result> write(KvCommand command) {
        return timed(opName(command.op()), () -> delegate.write(command));
    }

    @Override
    public CompletableFuture<Result> read(KvOp op, ReadConsistency consistency, long minIndex) {
        return timed(opName(op), () -> delegate.read(op, consistency, minIndex));
    }

    @Override
    public Map<String, String> info() {
        return delegate.info();
    }

    private CompletableFuture<Result> timed(String op, Supplier<CompletableFuture<Result>> call) {
        long startedNanos = clock.nanoTime();
        CompletableFuture<Result> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            instruments.record(op, resultName(e), clock.nanoTime() - startedNanos);
            throw e;
        }
        return f.whenComplete((r, e) -> instruments.record(op, e == null ? "ok" : resultName(e), clock.nanoTime() - startedNanos));
    }

    static String opName(KvOp op) {
        return op.code().name().toLowerCase(Locale.ROOT);
    }

    static String resultName(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof OstrakaException e) {
            return e.code().name().toLowerCase(Locale.ROOT);
        }
        return "error";
    }
}
