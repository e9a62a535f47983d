package io.ostraka.client;

import io.ostraka.api.kv.v1.BatchRequest;
import io.ostraka.api.kv.v1.BatchResponse;
import io.ostraka.api.kv.v1.CompareAndSetRequest;
import io.ostraka.api.kv.v1.CompareAndSetResponse;
import io.ostraka.api.kv.v1.CountRequest;
import io.ostraka.api.kv.v1.CountResponse;
import io.ostraka.api.kv.v1.DeleteRequest;
import io.ostraka.api.kv.v1.GetRequest;
import io.ostraka.api.kv.v1.GetResponse;
import io.ostraka.api.kv.v1.IncrementRequest;
import io.ostraka.api.kv.v1.IncrementResponse;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.PutRequest;
import io.ostraka.api.kv.v1.PutResponse;
import io.ostraka.api.kv.v1.ScanRequest;
import io.ostraka.api.kv.v1.ScanResponse;
import io.ostraka.api.kv.v1.StatusRequest;
import io.ostraka.api.kv.v1.StatusResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The client with futures: every method returns at once; the future completes with the result
 * or exceptionally with an {@link OstrakaClientException}. Futures complete on the gRPC I/O
 * thread that read the answer (no hop through another thread: the next request of a closed-loop
 * caller is written from there too). Chain with the {@code *Async} variants and your executor
 * before doing anything slow or blocking, a blocking {@link OstrakaClient} call included (one made
 * on that thread throws IllegalStateException). Get one from {@link OstrakaClient#async()}.
 */
public final class AsyncOstrakaClient {
    private final ClientCore core;
    private final Duration timeout;

    AsyncOstrakaClient(ClientCore core, Duration timeout) {
        this.core = core;
        this.timeout = timeout;
    }

    // ---- Writes --------------------------------------------------------------------------------

    /** Writes {@code value} unconditionally. */
    public CompletableFuture<WriteResult> put(byte[] key, byte[] value) {
        return put(key, value, PutCondition.NONE, false).thenApply(r -> new WriteResult(r.version(), r.index()));
    }

    /** Writes {@code value} if {@code condition} holds; with {@code returnPrevious} answers the old value. */
    public CompletableFuture<PutResult> put(byte[] key, byte[] value, PutCondition condition, boolean returnPrevious) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(condition, "condition");
        return core.write(KvGrpc.getPutMethod(), session -> PutRequest.newBuilder().setSession(session)
                .setKey(Protos.bytes(key)).setValue(Protos.bytes(value)).setCondition(Protos.condition(condition))
                .setReturnPrevious(returnPrevious).build(), timeout, PutResponse::getIndex)
                .thenApply(r -> new PutResult(r.getOutcome() == io.ostraka.api.kv.v1.Outcome.OK, r.getVersion(),
                        r.getCreateIndex(), r.getModIndex(),
                        r.hasPreviousValue() ? r.getPreviousValue().toByteArray() : null, r.getIndex()));
    }

    public CompletableFuture<PutResult> putIfAbsent(byte[] key, byte[] value) {
        return put(key, value, PutCondition.IF_ABSENT, false);
    }

    public CompletableFuture<PutResult> putIfPresent(byte[] key, byte[] value) {
        return put(key, value, PutCondition.IF_PRESENT, false);
    }

    /** Removes the keys that exist. */
    public CompletableFuture<DeleteResult> delete(byte[]... keys) {
        List<byte[]> list = List.of(keys);
        return core.write(KvGrpc.getDeleteMethod(), session -> {
            DeleteRequest.Builder b = DeleteRequest.newBuilder().setSession(session);
            list.forEach(k -> b.addKeys(Protos.bytes(k)));
            return b.build();
        }, timeout, io.ostraka.api.kv.v1.DeleteResponse::getIndex)
                .thenApply(r -> new DeleteResult(r.getDeleted(), r.getIndex()));
    }

    /** Writes {@code value} if the key's version is {@code expectedVersion} (0: the key must not exist). */
    public CompletableFuture<CasResult> compareAndSet(byte[] key, long expectedVersion, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expected version " + expectedVersion + " is negative (0 = the key must not exist)");
        }
        return core.write(KvGrpc.getCompareAndSetMethod(), session -> CompareAndSetRequest.newBuilder()
                .setSession(session).setKey(Protos.bytes(key)).setExpectedVersion(expectedVersion)
                .setValue(Protos.bytes(value)).build(), timeout, CompareAndSetResponse::getIndex)
                .thenApply(r -> new CasResult(r.getOutcome() == io.ostraka.api.kv.v1.Outcome.OK, r.getVersion(),
                        r.getCreateIndex(), r.getModIndex(), r.getIndex()));
    }

    /**
     * Adds {@code delta} to a decimal integer value (a missing key counts as 0). Fails with
     * WRONG_TYPE or OVERFLOW (and writes nothing) when the value is not an integer or the sum
     * leaves the signed 64-bit range.
     */
    public CompletableFuture<IncrementResult> increment(byte[] key, long delta) {
        Objects.requireNonNull(key, "key");
        return core.write(KvGrpc.getIncrementMethod(), session -> IncrementRequest.newBuilder().setSession(session)
                .setKey(Protos.bytes(key)).setDelta(delta).build(), timeout, IncrementResponse::getIndex)
                .thenApply(AsyncOstrakaClient::incrementResult);
    }

    private static IncrementResult incrementResult(IncrementResponse r) {
        Outcome outcome = Protos.outcome(r.getOutcome());
        if (outcome == Outcome.WRONG_TYPE || outcome == Outcome.OVERFLOW) {
            throw new OstrakaClientException(ErrorCode.valueOf(outcome.name()), r.getReason());
        }
        return new IncrementResult(r.getValue(), r.getVersion(), r.getIndex());
    }

    /** Runs point operations atomically: all apply, or (on a failed condition) none. */
    public CompletableFuture<BatchResult> batch(List<Op> ops) {
        List<io.ostraka.api.kv.v1.BatchOp> wire = new ArrayList<>(ops.size());
        ops.forEach(op -> wire.add(Protos.batchOp(op)));
        return core.write(KvGrpc.getBatchMethod(), session -> BatchRequest.newBuilder().setSession(session)
                .addAllOps(wire).build(), timeout, BatchResponse::getIndex)
                .thenApply(Protos::batchResult);
    }

    // ---- Reads ---------------------------------------------------------------------------------

    public CompletableFuture<Optional<KeyValue>> get(byte[] key) {
        return get(key, ReadOptions.of(core.defaultConsistency));
    }

    /** The key's value and metadata, or empty if it does not exist. */
    public CompletableFuture<Optional<KeyValue>> get(byte[] key, ReadOptions options) {
        Objects.requireNonNull(key, "key");
        GetRequest request = GetRequest.newBuilder().setRead(readOptions(options)).setKey(Protos.bytes(key)).build();
        return core.read(KvGrpc.getGetMethod(), request, timeout, confirmsLeader(options), GetResponse::getIndex)
                .thenApply(r -> r.getOutcome() == io.ostraka.api.kv.v1.Outcome.OK
                        ? Optional.of(Protos.keyValue(key, r.getKv())) : Optional.empty());
    }

    public CompletableFuture<ScanResult> scan(byte[] start, byte[] end, int limit) {
        return scan(start, end, limit, ReadOptions.of(core.defaultConsistency));
    }

    /** Up to {@code limit} keys in {@code [start, end)}; {@code end == null}: to the end of the key space. */
    public CompletableFuture<ScanResult> scan(byte[] start, byte[] end, int limit, ReadOptions options) {
        Objects.requireNonNull(start, "start");
        if (limit < 0) {
            throw new IllegalArgumentException("scan limit " + limit + " is negative (0 = the server's default)");
        }
        ScanRequest.Builder b = ScanRequest.newBuilder().setRead(readOptions(options)).setStart(Protos.bytes(start))
                .setLimit(limit);
        if (end != null) {
            b.setEnd(Protos.bytes(end));
        }
        return core.read(KvGrpc.getScanMethod(), b.build(), timeout, confirmsLeader(options), ScanResponse::getIndex)
                .thenApply(r -> {
                    List<KeyValue> entries = new ArrayList<>(r.getEntriesCount());
                    r.getEntriesList().forEach(e -> entries.add(Protos.keyValue(e)));
                    return new ScanResult(entries, r.getMore(), r.getIndex());
                });
    }

    public CompletableFuture<Long> count(byte[] start, byte[] end) {
        return count(start, end, ReadOptions.of(core.defaultConsistency));
    }

    /** The number of keys in {@code [start, end)}; {@code end == null}: to the end of the key space. */
    public CompletableFuture<Long> count(byte[] start, byte[] end, ReadOptions options) {
        Objects.requireNonNull(start, "start");
        CountRequest.Builder b = CountRequest.newBuilder().setRead(readOptions(options)).setStart(Protos.bytes(start));
        if (end != null) {
            b.setEnd(Protos.bytes(end));
        }
        return core.read(KvGrpc.getCountMethod(), b.build(), timeout, confirmsLeader(options), CountResponse::getIndex)
                .thenApply(CountResponse::getCount);
    }

    /** The view of the node the client currently talks to (normally the leader). */
    public CompletableFuture<ClusterStatus> status() {
        return core.read(KvGrpc.getStatusMethod(), StatusRequest.getDefaultInstance(), timeout, false,
                StatusResponse::getIndex).thenApply(response -> {
                    core.leaderHint(response.getLeaderAddress());
                    return Protos.status(response);
                });
    }

    /**
     * The view of the node at {@code clientAddress} (host:port of its client gRPC port), asked once
     * and only there: no retry elsewhere, no redirect to the leader, and the client's own routing is
     * not changed. Fails with UNAVAILABLE when the node cannot be reached, TIMEOUT when it does not
     * answer in time. For tools that inspect every member, such as {@code ostraka status}.
     */
    public CompletableFuture<ClusterStatus> statusOf(String clientAddress) {
        Objects.requireNonNull(clientAddress, "clientAddress");
        return core.once(clientAddress, KvGrpc.getStatusMethod(), StatusRequest.getDefaultInstance(), timeout)
                .thenApply(Protos::status);
    }

    private static boolean confirmsLeader(ReadOptions options) {
        return options.consistency() == Consistency.LINEARIZABLE || options.consistency() == Consistency.LEASE;
    }

    private io.ostraka.api.kv.v1.ReadOptions readOptions(ReadOptions options) {
        Objects.requireNonNull(options, "options");
        return io.ostraka.api.kv.v1.ReadOptions.newBuilder().setConsistency(Protos.consistency(options.consistency()))
                .setMinIndex(core.minIndexFor(options)).build();
    }
}
