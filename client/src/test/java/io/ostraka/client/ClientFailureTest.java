package io.ostraka.client;

import static io.ostraka.client.OstrakaClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvConfig;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.LocalKvService;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the client's failure handling against real gRPC servers: a write retried after the
 * leader applied it but timed out answering is applied once and answered with its first result;
 * NOT_LEADER hints are followed to another server; endpoints that refuse connections or know no
 * leader are skipped; retryable errors are retried until they clear, and the request deadline
 * turns into TIMEOUT; invalid requests fail at once, naming the field; an expired session is
 * renewed when that is safe.
 */
class ClientFailureTest {
    @Test
    void aWriteRetriedAfterItAppliedIsAnsweredWithTheFirstResultAndAppliedOnce() throws IOException {
        LocalKvService service = new LocalKvService();
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server)).build()) {
            client.increment("n", 10);
            service.failNextWriteAfterApply(new OstrakaException(ErrorCode.TIMEOUT, "commit wait timed out"));
            IncrementResult result = client.increment("n", 1);

            assertThat(result.value()).isEqualTo(11);
            // Entry 1 opened the session. The retry is a new log entry (4) answered from the
            // session's memory of entry 3.
            assertThat(result.index()).isEqualTo(4);
            assertThat(service.appliedWrites()).isEqualTo(2);
            List<KvCommand> writes = service.writes();
            assertThat(writes).hasSize(3);
            assertThat(writes.get(2).sequence()).isEqualTo(writes.get(1).sequence()).isEqualTo(2);
            assertThat(writes.get(2).sessionId()).isEqualTo(writes.get(1).sessionId());
            assertThat(client.get("n").orElseThrow().valueUtf8()).isEqualTo("11");
        }
    }

    @Test
    void notLeaderRedirectsToTheHintedServer() throws IOException {
        LocalKvService follower = new LocalKvService();
        LocalKvService leader = new LocalKvService();
        try (GrpcServer leaderServer = TestServers.start(leader);
             GrpcServer followerServer = TestServers.start(follower);
             OstrakaClient client = TestServers.client(TestServers.address(followerServer)).build()) {
            follower.redirectTo(2, TestServers.address(leaderServer));

            assertThat(client.put("k", "v").version()).isEqualTo(1);
            assertThat(client.get("k").orElseThrow().valueUtf8()).isEqualTo("v");
            assertThat(client.currentTarget()).isEqualTo(TestServers.address(leaderServer));
            // The first call, the session's opening, was redirected; the write went to the leader.
            assertThat(follower.writes()).isEmpty();
            assertThat(leader.sessionsOpened()).isEqualTo(1);
            assertThat(leader.writes()).hasSize(1);
            assertThat(leader.writes().get(0).sessionId()).isEqualTo(client.sessionId()).isEqualTo(1);
        }
    }

    @Test
    void statusNamesTheLeaderForLaterRequests() throws IOException {
        LocalKvService follower = new LocalKvService();
        LocalKvService leader = new LocalKvService();
        try (GrpcServer leaderServer = TestServers.start(leader);
             GrpcServer followerServer = TestServers.start(follower);
             OstrakaClient client = TestServers.client(TestServers.address(followerServer)).build()) {
            follower.redirectTo(2, TestServers.address(leaderServer));
            ClusterStatus status = client.status();
            assertThat(status.role()).isEqualTo("follower");
            assertThat(status.leaderAddress()).isEqualTo(TestServers.address(leaderServer));
            client.put("k", "v");
            assertThat(follower.writes()).isEmpty();
            assertThat(leader.writes()).hasSize(1);
        }
    }

    @Test
    void unreachableEndpointsAndNodesWithoutALeaderAreSkipped() throws IOException {
        GrpcServer gone = TestServers.start(new LocalKvService());
        String goneAddress = TestServers.address(gone);
        gone.close();
        LocalKvService lost = new LocalKvService().redirectTo(0, null);
        LocalKvService leader = new LocalKvService();
        try (GrpcServer lostServer = TestServers.start(lost);
             GrpcServer leaderServer = TestServers.start(leader);
             OstrakaClient client = TestServers.client(goneAddress, TestServers.address(lostServer),
                     TestServers.address(leaderServer)).build()) {
            assertThat(client.put("k", "v").version()).isEqualTo(1);
            assertThat(client.currentTarget()).isEqualTo(TestServers.address(leaderServer));
            assertThat(lost.writes()).isEmpty(); // it refused the session's opening
            assertThat(leader.sessionsOpened()).isEqualTo(1);
            assertThat(leader.writes()).hasSize(1);
        }
    }

    @Test
    void retryableErrorsAreRetriedUntilTheyClear() throws IOException {
        LocalKvService service = new LocalKvService();
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server)).build()) {
            service.failNext(new OstrakaException(ErrorCode.NO_QUORUM, "no quorum"))
                    .failNext(new OstrakaException(ErrorCode.STOPPED, "stopping"))
                    .failNext(new OstrakaException(ErrorCode.TIMEOUT, "read index timed out"));
            assertThat(client.put("k", "v").version()).isEqualTo(1);
            assertThat(service.writes()).hasSize(4);
            assertThat(service.appliedWrites()).isEqualTo(1);
        }
    }

    @Test
    void theRequestDeadlineBecomesTimeout() throws IOException {
        LocalKvService service = new LocalKvService().hangReads(true);
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server))
                     .requestTimeout(Duration.ofMillis(300)).build()) {
            assertThatThrownBy(() -> client.get("k")).isInstanceOfSatisfying(OstrakaClientException.class, e -> {
                assertThat(e.code()).isEqualTo(io.ostraka.client.ErrorCode.TIMEOUT);
                assertThat(e.getMessage()).contains("Get did not complete within 300 ms");
            });
            // A per-request deadline through a view of the same client.
            OstrakaClient quick = client.withRequestTimeout(Duration.ofMillis(100));
            assertThatThrownBy(() -> quick.count(new byte[0], null)).isInstanceOfSatisfying(
                    OstrakaClientException.class, e -> assertThat(e.getMessage()).contains("within 100 ms"));
        }
    }

    @Test
    void aLeaderThatNeverAppearsEndsInTimeoutNamingTheLastError() throws IOException {
        LocalKvService lost = new LocalKvService().redirectTo(0, null);
        try (GrpcServer server = TestServers.start(lost);
             OstrakaClient client = TestServers.client(TestServers.address(server))
                     .requestTimeout(Duration.ofMillis(300)).build()) {
            assertThatThrownBy(() -> client.put("k", "v")).isInstanceOfSatisfying(OstrakaClientException.class, e -> {
                assertThat(e.code()).isEqualTo(io.ostraka.client.ErrorCode.TIMEOUT);
                assertThat(e.getMessage()).contains("last error: NOT_LEADER");
                assertThat(e.attempts()).isGreaterThan(1);
            });
        }
    }

    @Test
    void invalidRequestsFailAtOnceNamingTheField() throws IOException {
        LocalKvService service = new LocalKvService();
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server)).build()) {
            assertInvalid(() -> client.put("", "v"), "key");
            assertInvalid(() -> client.scan(new byte[0], null, 20_000), "limit");
            assertInvalid(() -> client.put(utf8("k"), new byte[2 * 1024 * 1024]), "value");
            assertInvalid(() -> client.batch(Op.get(utf8("a")), Op.increment(new byte[0], 1)),
                    "ops[1].increment.key");
            assertInvalid(() -> client.batch(List.of()), "ops");
            assertThat(service.writes()).isEmpty();
        }
    }

    @Test
    void anExpiredSessionIsRenewedWhenTheWriteCertainlyDidNotApply() throws IOException {
        LocalKvService service = new LocalKvService(new KvConfig(2, 100));
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server)).build();
             OstrakaClient other = TestServers.client(TestServers.address(server)).build()) {
            client.put("k", "1");
            long firstSession = client.sessionId();
            for (int i = 0; i < 3; i++) {
                other.put("other", Integer.toString(i)); // moves the log past the idle limit
            }
            assertThat(client.put("k", "2").version()).isEqualTo(2);
            assertThat(client.sessionId()).isNotEqualTo(firstSession);
            assertThat(client.lastSequence()).isEqualTo(1);
            assertThat(client.get("k").orElseThrow().valueUtf8()).isEqualTo("2");
        }
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OstrakaClientException.class, e -> {
            assertThat(e.code()).isEqualTo(io.ostraka.client.ErrorCode.INVALID_REQUEST);
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).startsWith(field + ": ");
            assertThat(e.attempts()).isEqualTo(1);
        });
    }
}
