package io.ostraka.client;

import static io.ostraka.client.OstrakaClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.server.KvService;
import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.LocalKvService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Answers as large as the server may send reach the caller; a queued write keeps its deadline;
 * a write cut off by a node shutting down is retried elsewhere with its session.
 */
class ClientLimitsAndRetriesTest {

    /** Opens sessions through the delegate; every other write never completes (a hung leader). */
    static final class HangingWrites implements KvService {
        final KvService delegate;
        volatile boolean hang = false;
        final java.util.concurrent.atomic.AtomicInteger hung = new java.util.concurrent.atomic.AtomicInteger();

        HangingWrites(KvService delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<Result> write(KvCommand command) {
            if (hang && !(command.op() instanceof KvOp.OpenSession)) {
                hung.incrementAndGet();
                return new CompletableFuture<>();
            }
            return delegate.write(command);
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

    private static byte[] mib(char c) {
        byte[] v = new byte[1024 * 1024];
        Arrays.fill(v, (byte) c);
        return v;
    }

    /** A scan the server answers within its own 4 MiB result budget must reach the caller. */
    @Test
    void aScanOfFourOneMibValuesReachesTheCaller() throws Exception {
        LocalKvService service = new LocalKvService();
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server)).build()) {
            for (int i = 0; i < 4; i++) {
                client.put(utf8("big/" + i), mib((char) ('a' + i)));
            }
            Throwable failure = catchThrowable(() -> client.scan(utf8("big/"), utf8("big0"), 0));
            assertThat(failure).as("scan of 4 values of 1 MiB (the server's scan budget is 4 MiB)").isNull();
        }
    }

    /**
     * A batch the state machine accepted and applied (its results are exactly the 4 MiB it allows)
     * is reported to the caller as INVALID_REQUEST ("fix the request; retrying will not help").
     */
    @Test
    void aBatchAnsweringFourMibIsNotReportedInvalidOnceApplied() throws Exception {
        LocalKvService service = new LocalKvService();
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server)).build()) {
            for (int i = 0; i < 4; i++) {
                client.put(utf8("b" + i), mib((char) ('a' + i)));
            }
            Throwable failure = catchThrowable(() -> client.batch(Op.put(utf8("x"), utf8("applied")),
                    Op.get(utf8("b0")), Op.get(utf8("b1")), Op.get(utf8("b2")), Op.get(utf8("b3"))));
            boolean applied = client.get(utf8("x")).isPresent();
            if (failure != null) {
                OstrakaClientException e = (OstrakaClientException) failure;
                assertThat(applied).as("the batch failed with %s (%s) yet its put was applied", e.code(), e.getMessage())
                        .isFalse();
            }
        }
    }

    /** requestTimeout is "the deadline of each request, retries included": time queued behind other writes counts too. */
    @Test
    void aQueuedWriteFailsAtItsDeadlineNotAfterTheWritesBeforeIt() throws Exception {
        HangingWrites service = new HangingWrites(new LocalKvService());
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server))
                     .requestTimeout(Duration.ofMillis(400)).build()) {
            client.put("warm", "up"); // opens the session
            service.hang = true;
            long start = System.nanoTime();
            List<CompletableFuture<Long>> done = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                done.add(client.async().put(utf8("k" + i), utf8("v"))
                        .handle((r, e) -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
            }
            long last = done.get(3).get(20, TimeUnit.SECONDS);
            assertThat(last).as("ms until the 4th write (deadline 400 ms) completed").isLessThan(1000);
        }
    }

    /**
     * A node that shuts down while a write is in flight (its gRPC server cancels the call after its
     * grace period): the write carries a session, so retrying it at another node is safe and is
     * what the docs promise for a node going away (the client gave up at once with INTERNAL before).
     */
    @Test
    void aWriteCutOffByANodeShuttingDownIsRetriedAtAnotherNode() throws Exception {
        LocalKvService shared = new LocalKvService();
        HangingWrites hanging = new HangingWrites(shared);
        GrpcServer dying = TestServers.start(hanging);
        try (GrpcServer healthy = TestServers.start(shared);
             OstrakaClient client = TestServers.client(TestServers.address(dying), TestServers.address(healthy))
                     .requestTimeout(Duration.ofSeconds(20)).build()) {
            client.put("warm", "up");
            assertThat(client.currentTarget()).isEqualTo(TestServers.address(dying));
            hanging.hang = true;
            CompletableFuture<WriteResult> write = client.async().put(utf8("k"), utf8("v"));
            TestServers.await(() -> hanging.hung.get() == 1, "the write to reach the dying node");
            dying.close(); // 1 s grace, then the call in flight is cancelled
            Throwable failure = catchThrowable(() -> write.get(20, TimeUnit.SECONDS));
            assertThat(failure).as("the write, cut off by a node going away (code %s)", failure == null ? null
                    : ((OstrakaClientException) failure.getCause()).code()).isNull();
            assertThat(client.get("k")).isPresent();
        }
    }
}
