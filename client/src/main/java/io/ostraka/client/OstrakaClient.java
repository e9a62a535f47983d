package io.ostraka.client;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.random.RandomGenerator;

/**
 * The Java client of an Ostraka cluster's Kv gRPC service (docs/client.md).
 *
 * <pre>{@code
 * try (OstrakaClient client = OstrakaClient.builder().endpoints("n1:5379", "n2:5379", "n3:5379").build()) {
 *     WriteResult put = client.put("greeting", "hello");
 *     Optional<KeyValue> kv = client.get("greeting");
 *     client.async().increment(bytes("hits"), 1).thenAccept(r -> ...);
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Leader.</b> Requests go to the node believed to be the leader: the last that answered a
 *       write or linearizable read, or the one a NOT_LEADER error (or Status) named; with none
 *       known, the endpoints in turn.
 *   <li><b>Retries.</b> NOT_LEADER, NO_QUORUM, TIMEOUT, STOPPED and UNAVAILABLE are retried with
 *       exponential backoff and jitter until the request timeout, then reported as TIMEOUT.
 *   <li><b>Exactly once.</b> Writes carry the client's session (opened by the cluster before
 *       the first write: its id is a log index, so ids never repeat) and a sequence; a write retried after a leader change is applied once and answered with its
 *       first result. Writes are serialized: one in flight, the rest queued in call order.
 *   <li><b>Consistency.</b> Per read (default LINEARIZABLE); every read asks for at least the
 *       highest log index this client has seen, so STALE reads never go backwards.
 * </ul>
 * Thread-safe. Blocking methods throw {@link OstrakaClientException}; {@link #async()} gives the
 * same calls with futures, which complete on the gRPC I/O thread that read the answer: do not
 * block in their non-async continuations (a blocking call there throws IllegalStateException),
 * and pass an executor to {@code thenApplyAsync} and the like for slow work.
 * {@link #withRequestTimeout} gives a view with another deadline over the same connections and
 * session.
 */
public final class OstrakaClient implements AutoCloseable {
    private final ClientCore core;
    private final AsyncOstrakaClient async;
    private final Duration requestTimeout;

    private OstrakaClient(ClientCore core, Duration requestTimeout) {
        this.core = core;
        this.requestTimeout = requestTimeout;
        this.async = new AsyncOstrakaClient(core, requestTimeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same client with futures. */
    public AsyncOstrakaClient async() {
        return async;
    }

    /** A view of this client whose requests have {@code timeout} as their deadline. Closing any view closes all. */
    public OstrakaClient withRequestTimeout(Duration timeout) {
        requirePositive(timeout, "timeout");
        return new OstrakaClient(core, timeout);
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    // ---- Blocking calls ------------------------------------------------------------------------

    public WriteResult put(byte[] key, byte[] value) {
        return await(() -> async.put(key, value));
    }

    public WriteResult put(String key, String value) {
        return put(utf8(key), utf8(value));
    }

    public PutResult put(byte[] key, byte[] value, PutCondition condition, boolean returnPrevious) {
        return await(() -> async.put(key, value, condition, returnPrevious));
    }

    public PutResult putIfAbsent(byte[] key, byte[] value) {
        return await(() -> async.putIfAbsent(key, value));
    }

    public PutResult putIfPresent(byte[] key, byte[] value) {
        return await(() -> async.putIfPresent(key, value));
    }

    public Optional<KeyValue> get(byte[] key) {
        return await(() -> async.get(key));
    }

    public Optional<KeyValue> get(String key) {
        return get(utf8(key));
    }

    public Optional<KeyValue> get(byte[] key, ReadOptions options) {
        return await(() -> async.get(key, options));
    }

    public DeleteResult delete(byte[]... keys) {
        return await(() -> async.delete(keys));
    }

    public DeleteResult delete(String... keys) {
        return delete(Arrays.stream(keys).map(OstrakaClient::utf8).toArray(byte[][]::new));
    }

    public CasResult compareAndSet(byte[] key, long expectedVersion, byte[] value) {
        return await(() -> async.compareAndSet(key, expectedVersion, value));
    }

    public IncrementResult increment(byte[] key, long delta) {
        return await(() -> async.increment(key, delta));
    }

    public IncrementResult increment(String key, long delta) {
        return increment(utf8(key), delta);
    }

    public ScanResult scan(byte[] start, byte[] end, int limit) {
        return await(() -> async.scan(start, end, limit));
    }

    public ScanResult scan(byte[] start, byte[] end, int limit, ReadOptions options) {
        return await(() -> async.scan(start, end, limit, options));
    }

    public long count(byte[] start, byte[] end) {
        return await(() -> async.count(start, end));
    }

    public long count(byte[] start, byte[] end, ReadOptions options) {
        return await(() -> async.count(start, end, options));
    }

    public BatchResult batch(List<Op> ops) {
        return await(() -> async.batch(ops));
    }

    public BatchResult batch(Op... ops) {
        return batch(List.of(ops));
    }

    public ClusterStatus status() {
        return await(() -> async.status());
    }

    /** The view of the node at {@code clientAddress} only (see {@link AsyncOstrakaClient#statusOf}). */
    public ClusterStatus statusOf(String clientAddress) {
        return await(() -> async.statusOf(clientAddress));
    }

    // ---- Introspection -------------------------------------------------------------------------

    /** The highest log index any response has reflected; reads never ask for less. */
    public long highestIndex() {
        return core.highestIndex();
    }

    /** The current session id: 0 before the first write; it changes only if the cluster forgot the session. */
    public long sessionId() {
        return core.sessionId();
    }

    /** The sequence of the newest write started in the current session. */
    public long lastSequence() {
        return core.lastSequence();
    }

    /** The address the next request goes to first. */
    public String currentTarget() {
        return core.target();
    }

    /** Closes the connections and threads; pending requests fail with STOPPED or UNAVAILABLE. */
    @Override
    public void close() {
        core.close();
    }

    /** The UTF-8 bytes of {@code s}: keys and values are bytes on the wire. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Starts the request and waits for it; refused in a client callback before anything is sent. */
    private static <T> T await(java.util.function.Supplier<CompletableFuture<T>> request) {
        if (RequestRunner.inCallback()) {
            throw new IllegalStateException("a blocking OstrakaClient call inside a callback of a client future would "
                    + "block the I/O thread that has to read its answer; use async() there (the request was not sent)");
        }
        CompletableFuture<T> future = request.get();
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OstrakaClientException client) {
                // Rethrown as a new exception so the stack trace shows this caller, not a client thread.
                throw new OstrakaClientException(client.code(), client.getMessage(), client.leaderId(),
                        client.leaderAddress(), client.field(), client.attempts(), client);
            }
            throw new OstrakaClientException(ErrorCode.INTERNAL, "request failed: " + cause, 0, "", "", 1, cause);
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new OstrakaClientException(ErrorCode.STOPPED, "interrupted while waiting for the request");
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " " + duration + " is not positive");
        }
    }

    /** Builds a client. Only {@link #endpoints} is required. */
    public static final class Builder {
        private final List<String> endpoints = new ArrayList<>();
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration attemptTimeout = Duration.ofSeconds(5);
        private Duration backoffInitial = Duration.ofMillis(20);
        private Duration backoffMax = Duration.ofMillis(250);
        private RandomGenerator random;
        private Consistency defaultConsistency = Consistency.LINEARIZABLE;
        private int threads = 1;

        private Builder() {}

        /** Client gRPC addresses ({@code host:port}) of any nodes of the cluster. */
        public Builder endpoints(String... addresses) {
            return endpoints(List.of(addresses));
        }

        public Builder endpoints(List<String> addresses) {
            for (String address : addresses) {
                Objects.requireNonNull(address, "endpoint");
                int colon = address.lastIndexOf(':');
                if (colon <= 0 || colon == address.length() - 1) {
                    throw new IllegalArgumentException("endpoint \"" + address + "\" is not host:port");
                }
                endpoints.add(address.trim());
            }
            return this;
        }

        /** The deadline of each request, retries included (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            requirePositive(timeout, "requestTimeout");
            this.requestTimeout = timeout;
            return this;
        }

        /** The longest one attempt may take before the client tries again (default 5 s). */
        public Builder attemptTimeout(Duration timeout) {
            requirePositive(timeout, "attemptTimeout");
            this.attemptTimeout = timeout;
            return this;
        }

        /** Backoff between retries: starts near {@code initial}, doubles, stays under {@code max} (20 ms, 250 ms: a failover usually ends within a few hundred ms, so a long sleep only adds to it). */
        public Builder backoff(Duration initial, Duration max) {
            requirePositive(initial, "initial backoff");
            requirePositive(max, "max backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " < initial backoff " + initial);
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** The source of retry jitter (default a SecureRandom); seed one for reproducible tests. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The consistency of reads that do not say (default LINEARIZABLE). */
        public Builder defaultConsistency(Consistency consistency) {
            this.defaultConsistency = Objects.requireNonNull(consistency, "consistency");
            return this;
        }

        /** Threads running retry timers (default 1); callbacks run on gRPC's I/O threads. */
        public Builder threads(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("threads " + count + " < 1");
            }
            this.threads = count;
            return this;
        }

        public OstrakaClient build() {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("no endpoints: give at least one host:port");
            }
            RandomGenerator source = random != null ? random : new SecureRandom();
            ClientCore core = new ClientCore(endpoints, attemptTimeout, backoffInitial, backoffMax,
                    source, defaultConsistency, threads);
            return new OstrakaClient(core, requestTimeout);
        }
    }
}
