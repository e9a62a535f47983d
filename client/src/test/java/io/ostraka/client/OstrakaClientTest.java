package io.ostraka.client;

import static io.ostraka.client.OstrakaClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.LocalKvService;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the client's operations end to end against the real gRPC service over a real state
 * machine (one {@link LocalKvService} behind a {@link GrpcServer} on an ephemeral loopback port):
 * every operation and its result record, the session on every write, monotonic read indexes,
 * consistency levels, the async style, and thread-safe serialization of concurrent writes.
 * Failure handling (retries, redirects, deadlines) is in {@link ClientFailureTest}.
 */
class OstrakaClientTest {
    private final LocalKvService service = new LocalKvService();
    private GrpcServer server;
    private OstrakaClient client;

    @BeforeEach
    void start() throws IOException {
        server = TestServers.start(service);
        client = TestServers.client(TestServers.address(server)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void putGetDelete() {
        WriteResult first = client.put("k", "v1"); // index 1 opened the client's session
        WriteResult second = client.put("k", "v2");
        assertThat(first).isEqualTo(new WriteResult(1, 2));
        assertThat(second).isEqualTo(new WriteResult(2, 3));

        KeyValue kv = client.get("k").orElseThrow();
        assertThat(kv.keyUtf8()).isEqualTo("k");
        assertThat(kv.valueUtf8()).isEqualTo("v2");
        assertThat(kv.version()).isEqualTo(2);
        assertThat(kv.createIndex()).isEqualTo(2);
        assertThat(kv.modIndex()).isEqualTo(3);

        assertThat(client.delete("k", "absent")).isEqualTo(new DeleteResult(1, 4));
        assertThat(client.get("k")).isEmpty();
    }

    @Test
    void conditionalPutsAndPreviousValues() {
        assertThat(client.putIfAbsent(utf8("k"), utf8("a")).succeeded()).isTrue();
        PutResult nx = client.putIfAbsent(utf8("k"), utf8("b"));
        assertThat(nx.succeeded()).isFalse();
        assertThat(nx.version()).isEqualTo(1);

        PutResult xx = client.put(utf8("k"), utf8("c"), PutCondition.IF_PRESENT, true);
        assertThat(xx.succeeded()).isTrue();
        assertThat(xx.version()).isEqualTo(2);
        assertThat(new String(xx.previousValue(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(client.putIfPresent(utf8("none"), utf8("x")).succeeded()).isFalse();
        assertThat(client.put(utf8("new"), utf8("x"), PutCondition.NONE, true).previousValue()).isNull();
    }

    @Test
    void compareAndSetOnVersions() {
        CasResult create = client.compareAndSet(utf8("lock"), 0, utf8("me"));
        assertThat(create.succeeded()).isTrue();
        assertThat(create.version()).isEqualTo(1);
        CasResult lost = client.compareAndSet(utf8("lock"), 0, utf8("you"));
        assertThat(lost.succeeded()).isFalse();
        assertThat(lost.version()).isEqualTo(1);
        assertThat(client.compareAndSet(utf8("lock"), 1, utf8("me again")).version()).isEqualTo(2);
        assertThat(client.get("lock").orElseThrow().valueUtf8()).isEqualTo("me again");
    }

    @Test
    void incrementsAndTheirErrors() {
        assertThat(client.increment("n", 5).value()).isEqualTo(5);
        IncrementResult again = client.increment("n", -7);
        assertThat(again.value()).isEqualTo(-2);
        assertThat(again.version()).isEqualTo(2);

        client.put("s", "text");
        assertThatThrownBy(() -> client.increment("s", 1)).isInstanceOfSatisfying(OstrakaClientException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_TYPE));
        client.put("max", Long.toString(Long.MAX_VALUE));
        assertThatThrownBy(() -> client.increment("max", 1)).isInstanceOfSatisfying(OstrakaClientException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERFLOW));
    }

    @Test
    void scanPagesAndCounts() {
        for (String key : List.of("a", "b", "c", "d", "e")) {
            client.put(key, key);
        }
        ScanResult page = client.scan(utf8("b"), null, 2);
        assertThat(page.entries()).extracting(KeyValue::keyUtf8).containsExactly("b", "c");
        assertThat(page.more()).isTrue();
        assertThat(page.index()).isEqualTo(6); // the session's opening and five puts
        ScanResult rest = client.scan(utf8("c\0"), utf8("e"), 100);
        assertThat(rest.entries()).extracting(KeyValue::keyUtf8).containsExactly("d");
        assertThat(rest.more()).isFalse();
        assertThat(client.count(new byte[0], null)).isEqualTo(5);
        assertThat(client.count(utf8("b"), utf8("d"))).isEqualTo(2);
    }

    @Test
    void batchesAreAtomic() {
        BatchResult ok = client.batch(Op.put(utf8("x"), utf8("1")), Op.increment(utf8("x"), 2), Op.get(utf8("x")),
                Op.get(utf8("missing")));
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.failedOp()).isEqualTo(-1);
        assertThat(ok.results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.OK, Outcome.OK, Outcome.OK, Outcome.NOT_FOUND);
        assertThat(ok.results().get(1).integer()).isEqualTo(3);
        assertThat(new String(ok.results().get(2).value(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("3");

        BatchResult aborted = client.batch(Op.delete(utf8("x")), Op.compareAndSet(utf8("y"), 5, utf8("v")));
        assertThat(aborted.succeeded()).isFalse();
        assertThat(aborted.outcome()).isEqualTo(Outcome.CONDITION_FAILED);
        assertThat(aborted.failedOp()).isEqualTo(1);
        assertThat(aborted.reason()).contains("nothing applied");
        assertThat(client.get("x")).isPresent();
    }

    @Test
    void everyWriteCarriesTheSessionWithIncreasingSequences() {
        client.put("a", "1");
        client.increment("n", 1);
        client.delete("a");
        List<KvCommand> writes = service.writes();
        assertThat(writes).extracting(KvCommand::sessionId).containsOnly(client.sessionId());
        assertThat(writes).extracting(KvCommand::sequence).containsExactly(1L, 2L, 3L);
        assertThat(client.sessionId()).isNotZero();
        assertThat(client.lastSequence()).isEqualTo(3);
    }

    @Test
    void theFirstWriteOpensASessionWhoseIdIsTheClustersIndexForIt() throws IOException {
        assertThat(client.sessionId()).isZero();
        client.get("k"); // a read needs no session
        assertThat(service.sessionsOpened()).isZero();
        client.put("k", "v");
        assertThat(client.sessionId()).isEqualTo(1);
        try (OstrakaClient other = TestServers.client(TestServers.address(server)).build()) {
            other.put("k", "w");
            assertThat(other.sessionId()).isEqualTo(3);
        }
        client.put("k", "x");
        assertThat(client.sessionId()).isEqualTo(1);
        assertThat(service.sessionsOpened()).isEqualTo(2);
    }

    @Test
    void readsAskForTheHighestIndexSeenAndTheirConsistency() {
        client.put("k", "v");
        client.put("k", "w");
        client.get(utf8("k"), ReadOptions.of(Consistency.STALE));
        client.get(utf8("k"));
        client.scan(new byte[0], null, 10, new ReadOptions(Consistency.FOLLOWER, 1));
        client.count(new byte[0], null, ReadOptions.of(Consistency.LEASE));
        assertThat(service.readConsistencies()).containsExactly(ReadConsistency.STALE, ReadConsistency.LINEARIZABLE,
                ReadConsistency.FOLLOWER, ReadConsistency.LEASE);
        assertThat(service.readMinIndexes()).containsOnly(3L);
        assertThat(client.highestIndex()).isEqualTo(3);
    }

    @Test
    void defaultConsistencyIsConfigurable() {
        try (OstrakaClient stale = TestServers.client(TestServers.address(server))
                .defaultConsistency(Consistency.STALE).build()) {
            stale.get("k");
        }
        assertThat(service.readConsistencies()).containsExactly(ReadConsistency.STALE);
    }

    @Test
    void asyncCallsComposeAndConcurrentWritesAreSerialized() {
        AsyncOstrakaClient async = client.async();
        List<CompletableFuture<IncrementResult>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            futures.add(async.increment(utf8("counter"), 1));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        assertThat(futures).extracting(f -> f.join().value()).doesNotHaveDuplicates().contains(40L);
        // Writes were sent one at a time in call order: sequences 1..40, never overtaking.
        List<Long> sequences = service.writes().stream().map(KvCommand::sequence).toList();
        assertThat(sequences).hasSize(40).isSorted().doesNotHaveDuplicates();
        assertThat(async.get(utf8("counter")).thenApply(kv -> kv.orElseThrow().valueUtf8()).join()).isEqualTo("40");
    }

    @Test
    void statusReportsTheNode() {
        client.put("k", "v");
        ClusterStatus status = client.status();
        assertThat(status.role()).isEqualTo("leader");
        assertThat(status.nodeId()).isEqualTo(1);
        assertThat(status.commitIndex()).isEqualTo(2);
        assertThat(status.info()).containsEntry("term", "1");
    }

    @Test
    void statusOfAsksOnlyThatNodeAndReadsTheLeadersProgress() throws Exception {
        LocalKvService follower = new LocalKvService().redirectTo(1, TestServers.address(server));
        GrpcServer followerServer = TestServers.start(follower);
        service.putInfo("voters", "[1, 2]");
        service.putInfo("member.2.client_address", TestServers.address(followerServer));
        service.putInfo("member.2.match", "7");
        service.putInfo("member.2.next", "8");
        service.putInfo("member.2.state", "replicate");
        service.putInfo("member.2.lag", "3");
        service.putInfo("member.2.recent_active", "true");
        service.putInfo("last_index", "10");
        try (OstrakaClient viaFollower = TestServers.client(TestServers.address(followerServer)).build()) {
            ClusterStatus asked = viaFollower.statusOf(TestServers.address(followerServer));
            assertThat(asked.role()).as("no redirect to the leader").isEqualTo("follower");
            ClusterStatus leader = viaFollower.statusOf(TestServers.address(server));
            assertThat(leader.role()).isEqualTo("leader");
            assertThat(leader.lastIndex()).isEqualTo(10);
            assertThat(leader.failure()).isEmpty();
            ClusterStatus.Member m = leader.member(2).orElseThrow();
            assertThat(m.clientAddress()).isEqualTo(TestServers.address(followerServer));
            assertThat(m.progress()).isEqualTo(new ClusterStatus.Progress(7, 8, "replicate", 3, true));
            assertThat(leader.member(1).orElseThrow().progress()).as("no progress facts, no progress").isNull();

            int closedPort;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            assertThatThrownBy(() -> viaFollower.statusOf("127.0.0.1:" + closedPort))
                    .isInstanceOfSatisfying(OstrakaClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                        assertThat(e.attempts()).as("asked once, not retried").isEqualTo(1);
                    });
        } finally {
            followerServer.close();
        }
    }

    @Test
    void builderRefusesNonsense() {
        assertThatThrownBy(() -> OstrakaClient.builder().build()).hasMessageContaining("no endpoints");
        assertThatThrownBy(() -> OstrakaClient.builder().endpoints("localhost")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> OstrakaClient.builder().requestTimeout(Duration.ZERO))
                .hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> OstrakaClient.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("max backoff");
    }

    @Test
    void aBlockingCallInsideAFutureCallbackIsRefusedAndAsyncChainsWork() throws Exception {
        // Callbacks run on the gRPC I/O thread; blocking there would wait for an answer only that
        // thread can read, so the blocking client refuses at once instead of hanging.
        CompletableFuture<Throwable> refused = client.async().put(utf8("a"), utf8("1")).handle((written, failure) -> {
            try {
                client.get("a");
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(refused.get(20, java.util.concurrent.TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("use async()");
        // A refused write is not sent: a caller that redoes it with async() applies it once.
        CompletableFuture<Throwable> refusedWrite = client.async().put(utf8("c"), utf8("1")).handle((written, failure) -> {
            try {
                client.increment("counted", 1);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(refusedWrite.get(20, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        assertThat(client.get("counted")).isEmpty();
        // Chaining the next request from the callback thread is the intended style.
        CompletableFuture<String> chained = client.async().put(utf8("b"), utf8("2"))
                .thenCompose(written -> client.async().get(utf8("b")))
                .thenApply(kv -> new String(kv.orElseThrow().value(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(chained.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("2");
        // Outside a callback, blocking calls work as before.
        assertThat(client.get("a")).isPresent();
    }
}
