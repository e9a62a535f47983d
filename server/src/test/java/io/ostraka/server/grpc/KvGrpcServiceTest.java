package io.ostraka.server.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.BatchOp;
import io.ostraka.api.kv.v1.BatchRequest;
import io.ostraka.api.kv.v1.BatchResponse;
import io.ostraka.api.kv.v1.CompareAndSetRequest;
import io.ostraka.api.kv.v1.CompareAndSetResponse;
import io.ostraka.api.kv.v1.Consistency;
import io.ostraka.api.kv.v1.CountRequest;
import io.ostraka.api.kv.v1.DeleteRequest;
import io.ostraka.api.kv.v1.ErrorInfo;
import io.ostraka.api.kv.v1.GetOp;
import io.ostraka.api.kv.v1.GetRequest;
import io.ostraka.api.kv.v1.GetResponse;
import io.ostraka.api.kv.v1.IncrementOp;
import io.ostraka.api.kv.v1.IncrementRequest;
import io.ostraka.api.kv.v1.IncrementResponse;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.OpenSessionRequest;
import io.ostraka.api.kv.v1.OpenSessionResponse;
import io.ostraka.api.kv.v1.Outcome;
import io.ostraka.api.kv.v1.PutCondition;
import io.ostraka.api.kv.v1.PutOp;
import io.ostraka.api.kv.v1.PutRequest;
import io.ostraka.api.kv.v1.PutResponse;
import io.ostraka.api.kv.v1.ReadOptions;
import io.ostraka.api.kv.v1.ScanRequest;
import io.ostraka.api.kv.v1.ScanResponse;
import io.ostraka.api.kv.v1.Session;
import io.ostraka.api.kv.v1.StatusRequest;
import io.ostraka.api.kv.v1.StatusResponse;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the wire mapping of {@link KvGrpcService}: requests become the right KV commands and
 * reads, results come back in the response fields, outcomes stay in-band, and KvService errors,
 * session failures and invalid fields become the documented gRPC status + ErrorInfo. Runs a real
 * {@link GrpcServer} on an ephemeral loopback port over a real state machine ({@link LocalKvService}).
 */
class KvGrpcServiceTest {
    private final LocalKvService service = new LocalKvService();
    private GrpcServer server;
    private ManagedChannel channel;
    private KvGrpc.KvBlockingStub kv;

    @BeforeEach
    void start() throws IOException {
        RequestLimits limits = RequestLimits.DEFAULT.withValueBytesMax(1024);
        server = GrpcServer.start(service, GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(0)
                .withLimits(limits));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        kv = KvGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFrom(s, UTF_8);
    }

    private PutResponse put(String key, String value) {
        return kv.put(PutRequest.newBuilder().setKey(b(key)).setValue(b(value)).build());
    }

    @Test
    void putThenGetCarriesVersionAndIndexes() {
        PutResponse first = put("k", "v1");
        PutResponse second = put("k", "v2");
        assertThat(first.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(first.getIndex()).isEqualTo(1);
        assertThat(second.getVersion()).isEqualTo(2);
        assertThat(second.getCreateIndex()).isEqualTo(1);
        assertThat(second.getModIndex()).isEqualTo(2);
        assertThat(second.hasPreviousValue()).isFalse();

        GetResponse get = kv.get(GetRequest.newBuilder().setKey(b("k")).build());
        assertThat(get.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(get.getIndex()).isEqualTo(2);
        assertThat(get.getKv().getValue().toStringUtf8()).isEqualTo("v2");
        assertThat(get.getKv().getVersion()).isEqualTo(2);
        assertThat(get.getKv().getModIndex()).isEqualTo(2);

        GetResponse missing = kv.get(GetRequest.newBuilder().setKey(b("absent")).build());
        assertThat(missing.getOutcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(missing.hasKv()).isFalse();
    }

    @Test
    void putConditionsAndReturnPrevious() {
        put("k", "old");
        PutResponse nx = kv.put(PutRequest.newBuilder().setKey(b("k")).setValue(b("new"))
                .setCondition(PutCondition.IF_ABSENT).setReturnPrevious(true).build());
        assertThat(nx.getOutcome()).isEqualTo(Outcome.CONDITION_FAILED);
        assertThat(nx.getVersion()).isEqualTo(1);
        assertThat(nx.getPreviousValue().toStringUtf8()).isEqualTo("old");

        PutResponse xx = kv.put(PutRequest.newBuilder().setKey(b("k")).setValue(b("new"))
                .setCondition(PutCondition.IF_PRESENT).setReturnPrevious(true).build());
        assertThat(xx.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(xx.getVersion()).isEqualTo(2);
        assertThat(xx.getPreviousValue().toStringUtf8()).isEqualTo("old");

        PutResponse xxMissing = kv.put(PutRequest.newBuilder().setKey(b("none")).setValue(b("v"))
                .setCondition(PutCondition.IF_PRESENT).build());
        assertThat(xxMissing.getOutcome()).isEqualTo(Outcome.CONDITION_FAILED);
        assertThat(xxMissing.getVersion()).isZero();
    }

    @Test
    void deleteCountsRemovedKeys() {
        put("a", "1");
        put("b", "2");
        long deleted = kv.delete(DeleteRequest.newBuilder().addKeys(b("a")).addKeys(b("b")).addKeys(b("c")).build())
                .getDeleted();
        assertThat(deleted).isEqualTo(2);
        assertThat(kv.count(CountRequest.getDefaultInstance()).getCount()).isZero();
    }

    @Test
    void compareAndSetOnVersions() {
        CompareAndSetResponse create = kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k"))
                .setExpectedVersion(0).setValue(b("v1")).build());
        assertThat(create.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(create.getVersion()).isEqualTo(1);
        CompareAndSetResponse stale = kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k"))
                .setExpectedVersion(0).setValue(b("v2")).build());
        assertThat(stale.getOutcome()).isEqualTo(Outcome.CONDITION_FAILED);
        assertThat(stale.getVersion()).isEqualTo(1);
        CompareAndSetResponse update = kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k"))
                .setExpectedVersion(1).setValue(b("v2")).build());
        assertThat(update.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(update.getVersion()).isEqualTo(2);
    }

    @Test
    void incrementAndWrongType() {
        IncrementResponse inc = kv.increment(IncrementRequest.newBuilder().setKey(b("n")).setDelta(-5).build());
        assertThat(inc.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(inc.getValue()).isEqualTo(-5);
        assertThat(inc.getVersion()).isEqualTo(1);
        put("s", "abc");
        IncrementResponse wrong = kv.increment(IncrementRequest.newBuilder().setKey(b("s")).setDelta(1).build());
        assertThat(wrong.getOutcome()).isEqualTo(Outcome.WRONG_TYPE);
        assertThat(wrong.getReason()).contains("not a decimal integer");
        put("max", Long.toString(Long.MAX_VALUE));
        assertThat(kv.increment(IncrementRequest.newBuilder().setKey(b("max")).setDelta(1).build()).getOutcome())
                .isEqualTo(Outcome.OVERFLOW);
    }

    @Test
    void scanPagesWithMoreAndCountsRanges() {
        for (String key : new String[] {"a", "b", "c", "d"}) {
            put(key, key.toUpperCase());
        }
        ScanResponse page = kv.scan(ScanRequest.newBuilder().setStart(b("b")).setLimit(2).build());
        assertThat(page.getEntriesList()).extracting(e -> e.getKey().toStringUtf8()).containsExactly("b", "c");
        assertThat(page.getMore()).isTrue();
        assertThat(page.getEntries(0).getValue().toStringUtf8()).isEqualTo("B");
        assertThat(page.getEntries(0).getVersion()).isEqualTo(1);
        assertThat(page.getEntries(0).getCreateIndex()).isEqualTo(2);
        assertThat(page.getIndex()).isEqualTo(4);

        ScanResponse bounded = kv.scan(ScanRequest.newBuilder().setStart(b("a")).setEnd(b("c")).build());
        assertThat(bounded.getEntriesList()).extracting(e -> e.getKey().toStringUtf8()).containsExactly("a", "b");
        assertThat(bounded.getMore()).isFalse();
        assertThat(kv.count(CountRequest.newBuilder().setStart(b("b")).setEnd(b("d")).build()).getCount())
                .isEqualTo(2);
    }

    @Test
    void batchAppliesAllOrReportsTheFailedOp() {
        BatchResponse ok = kv.batch(BatchRequest.newBuilder()
                .addOps(BatchOp.newBuilder().setPut(PutOp.newBuilder().setKey(b("x")).setValue(b("1"))))
                .addOps(BatchOp.newBuilder().setIncrement(IncrementOp.newBuilder().setKey(b("x")).setDelta(2)))
                .addOps(BatchOp.newBuilder().setGet(GetOp.newBuilder().setKey(b("x"))))
                .build());
        assertThat(ok.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(ok.hasFailedOp()).isFalse();
        assertThat(ok.getResultsCount()).isEqualTo(3);
        assertThat(ok.getResults(1).getInteger()).isEqualTo(3);
        assertThat(ok.getResults(2).getValue().toStringUtf8()).isEqualTo("3");
        assertThat(ok.getResults(2).getVersion()).isEqualTo(2);

        BatchResponse aborted = kv.batch(BatchRequest.newBuilder()
                .addOps(BatchOp.newBuilder().setPut(PutOp.newBuilder().setKey(b("y")).setValue(b("1"))))
                .addOps(BatchOp.newBuilder().setPut(PutOp.newBuilder().setKey(b("x")).setValue(b("2"))
                        .setCondition(PutCondition.IF_ABSENT)))
                .build());
        assertThat(aborted.getOutcome()).isEqualTo(Outcome.CONDITION_FAILED);
        assertThat(aborted.getFailedOp()).isEqualTo(1);
        assertThat(aborted.getReason()).contains("nothing applied");
        assertThat(kv.get(GetRequest.newBuilder().setKey(b("y")).build()).getOutcome()).isEqualTo(Outcome.NOT_FOUND);
    }

    @Test
    void openSessionGivesTheLogIndexAsTheId() {
        put("k", "v");
        OpenSessionResponse first = kv.openSession(OpenSessionRequest.getDefaultInstance());
        OpenSessionResponse second = kv.openSession(OpenSessionRequest.getDefaultInstance());
        assertThat(first.getSessionId()).isEqualTo(first.getIndex()).isEqualTo(2);
        assertThat(second.getSessionId()).isEqualTo(3);
        assertThat(service.sessionsOpened()).isEqualTo(2);
    }

    @Test
    void sessionRetryIsAnsweredWithTheFirstResult() {
        long id = kv.openSession(OpenSessionRequest.getDefaultInstance()).getSessionId();
        Session session = Session.newBuilder().setId(id).setSequence(1).build();
        IncrementRequest request = IncrementRequest.newBuilder().setSession(session).setKey(b("n")).setDelta(1).build();
        IncrementResponse first = kv.increment(request);
        IncrementResponse retry = kv.increment(request);
        assertThat(retry.getValue()).isEqualTo(first.getValue()).isEqualTo(1);
        assertThat(service.appliedWrites()).isEqualTo(1);
        assertThat(service.writes().get(1).sessionId()).isEqualTo(id);
        assertThat(service.writes().get(1).sequence()).isEqualTo(1);
    }

    @Test
    void anUnopenedSessionIsFailedPreconditionAtAnySequence() {
        for (long sequence : new long[] {1, 5}) {
            Session session = Session.newBuilder().setId(7).setSequence(sequence).build();
            ErrorInfo info = assertError(() -> kv.put(PutRequest.newBuilder().setSession(session).setKey(b("k"))
                    .setValue(b("v")).build()), Status.Code.FAILED_PRECONDITION, "SESSION_EXPIRED");
            assertThat(info.getMessage()).contains("session 7 is unknown or expired");
        }
        assertThat(service.appliedWrites()).isZero();
    }

    @Test
    void notLeaderCarriesTheLeaderHint() {
        service.redirectTo(3, "10.0.0.3:5379");
        ErrorInfo info = assertError(() -> put("k", "v"), Status.Code.UNAVAILABLE, "NOT_LEADER");
        assertThat(info.getLeaderId()).isEqualTo(3);
        assertThat(info.getLeaderAddress()).isEqualTo("10.0.0.3:5379");
    }

    @Test
    void notLeaderHintsCanBeRewrittenToClientAddresses() throws IOException {
        service.redirectTo(3, "10.0.0.3:6379"); // e.g. the leader's RESP address
        try (GrpcServer rewriting = GrpcServer.start(service, GrpcServer.Options.DEFAULT.withHost("127.0.0.1")
                .withPort(0).withLeaderClientAddress(id -> id == 3 ? "10.0.0.3:5379" : null))) {
            ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", rewriting.port()).usePlaintext()
                    .build();
            try {
                KvGrpc.KvBlockingStub stub = KvGrpc.newBlockingStub(other).withDeadlineAfter(10, TimeUnit.SECONDS);
                ErrorInfo info = assertError(() -> stub.put(PutRequest.newBuilder().setKey(b("k")).build()),
                        Status.Code.UNAVAILABLE, "NOT_LEADER");
                assertThat(info.getLeaderId()).isEqualTo(3);
                assertThat(info.getLeaderAddress()).isEqualTo("10.0.0.3:5379");
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void statusReadsRaftKvServiceFacts() {
        service.putInfo("leader_grpc", "10.0.0.1:5379").putInfo("voters", "[1, 2, 3]").putInfo("learners", "[4]");
        StatusResponse status = kv.status(StatusRequest.getDefaultInstance());
        assertThat(status.getLeaderAddress()).isEqualTo("10.0.0.1:5379");
        assertThat(status.getMembersList()).extracting(m -> m.getId()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(status.getMembersList()).extracting(m -> m.getVoter()).containsExactly(true, true, true, false);
    }

    @Test
    void runtimeErrorsMapToStatusCodes() {
        service.failNext(new OstrakaException(ErrorCode.TIMEOUT, "commit timed out"));
        ErrorInfo timeout = assertError(() -> put("k", "v"), Status.Code.DEADLINE_EXCEEDED, "TIMEOUT");
        assertThat(timeout.getMessage()).isEqualTo("commit timed out");
        service.failNext(new OstrakaException(ErrorCode.NO_QUORUM, "no quorum"));
        assertError(() -> kv.get(GetRequest.newBuilder().setKey(b("k")).build()), Status.Code.UNAVAILABLE,
                "NO_QUORUM");
        service.failNext(new OstrakaException(ErrorCode.STOPPED, "stopping"));
        assertError(() -> put("k", "v"), Status.Code.UNAVAILABLE, "STOPPED");
        service.failNext(new OstrakaException(ErrorCode.INVALID_REQUEST, "nope"));
        assertError(() -> put("k", "v"), Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST");
    }

    @Test
    void invalidFieldsAreNamed() {
        assertInvalid(() -> put("", "v"), "key");
        assertInvalid(() -> put("k", "x".repeat(1025)), "value");
        assertInvalid(() -> kv.scan(ScanRequest.newBuilder().setLimit(10_001).build()), "limit");
        assertInvalid(() -> kv.scan(ScanRequest.newBuilder().setLimit(-1).build()), "limit");
        // A bound may be the successor of the longest key (one byte longer), not more.
        int longestKey = RequestLimits.DEFAULT.keyBytesMax();
        assertThat(kv.scan(ScanRequest.newBuilder().setStart(ByteString.copyFrom(new byte[longestKey + 1]))
                .build()).getEntriesList()).isEmpty();
        assertInvalid(() -> kv.scan(ScanRequest.newBuilder().setStart(ByteString.copyFrom(new byte[longestKey + 2]))
                .build()), "start");
        assertInvalid(() -> kv.count(CountRequest.newBuilder().setEnd(ByteString.copyFrom(new byte[longestKey + 2]))
                .build()), "end");
        assertInvalid(() -> kv.delete(DeleteRequest.getDefaultInstance()), "keys");
        assertInvalid(() -> kv.delete(DeleteRequest.newBuilder().addKeys(b("a")).addKeys(ByteString.EMPTY).build()),
                "keys[1]");
        assertInvalid(() -> kv.batch(BatchRequest.getDefaultInstance()), "ops");
        assertInvalid(() -> kv.batch(BatchRequest.newBuilder()
                .addOps(BatchOp.newBuilder().setGet(GetOp.newBuilder().setKey(b("a"))))
                .addOps(BatchOp.newBuilder().setPut(PutOp.newBuilder().setKey(b("k")).setValue(b("x".repeat(2000)))))
                .build()), "ops[1].put.value");
        assertInvalid(() -> kv.batch(BatchRequest.newBuilder().addOps(BatchOp.getDefaultInstance()).build()), "ops[0]");
        assertInvalid(() -> kv.put(PutRequest.newBuilder().setKey(b("k"))
                .setSession(Session.newBuilder().setId(1).setSequence(0)).build()), "session.sequence");
        assertInvalid(() -> kv.put(PutRequest.newBuilder().setKey(b("k")).setConditionValue(9).build()), "condition");
        assertInvalid(() -> kv.get(GetRequest.newBuilder().setKey(b("k"))
                .setRead(ReadOptions.newBuilder().setConsistencyValue(17)).build()), "read.consistency");
        assertInvalid(() -> kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k"))
                .setExpectedVersion(-1).build()), "expected_version");
        assertThat(service.writes()).isEmpty();
    }

    /** --read-consistency: the consistency of a read that does not say. */
    @Test
    void aReadThatNamesNoConsistencyGetsTheConfiguredDefault() throws IOException {
        try (GrpcServer stale = GrpcServer.start(service, GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(0)
                .withLimits(RequestLimits.DEFAULT.withReadConsistencyDefault(ReadConsistency.STALE)))) {
            ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", stale.port()).usePlaintext().build();
            try {
                KvGrpc.KvBlockingStub stub = KvGrpc.newBlockingStub(other).withDeadlineAfter(10, TimeUnit.SECONDS);
                stub.get(GetRequest.newBuilder().setKey(b("k")).build());
                stub.get(GetRequest.newBuilder().setKey(b("k"))
                        .setRead(ReadOptions.newBuilder().setConsistency(Consistency.LINEARIZABLE)).build());
                assertThat(service.readConsistencies()).containsExactly(ReadConsistency.STALE, ReadConsistency.LINEARIZABLE);
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void oversizeKeyAgainstConfiguredLimit() throws IOException {
        try (GrpcServer small = GrpcServer.start(service, GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(0)
                .withLimits(RequestLimits.DEFAULT.withKeyBytesMax(8)))) {
            ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", small.port()).usePlaintext().build();
            try {
                KvGrpc.KvBlockingStub stub = KvGrpc.newBlockingStub(other).withDeadlineAfter(10, TimeUnit.SECONDS);
                ErrorInfo info = assertError(() -> stub.get(GetRequest.newBuilder().setKey(b("123456789")).build()),
                        Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST");
                assertThat(info.getField()).isEqualTo("key");
                assertThat(info.getMessage()).contains("9 bytes exceeds the maximum 8");
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void readOptionsReachTheService() {
        put("k", "v");
        kv.get(GetRequest.newBuilder().setKey(b("k"))
                .setRead(ReadOptions.newBuilder().setConsistency(Consistency.STALE).setMinIndex(1)).build());
        kv.count(CountRequest.getDefaultInstance());
        kv.scan(ScanRequest.newBuilder().setRead(ReadOptions.newBuilder().setConsistency(Consistency.LEASE)).build());
        assertThat(service.readConsistencies()).containsExactly(ReadConsistency.STALE, ReadConsistency.LINEARIZABLE,
                ReadConsistency.LEASE);
        assertThat(service.readMinIndexes()).containsExactly(1L, 0L, 0L);
    }

    @Test
    void statusReportsNodeFactsAndMembers() {
        put("k", "v");
        service.putInfo("member.1.client_address", "127.0.0.1:5379").putInfo("member.2.client_address", "h2:5379")
                .putInfo("member.2.voter", "false").putInfo("raft.custom", "x");
        StatusResponse status = kv.status(StatusRequest.getDefaultInstance());
        assertThat(status.getRole()).isEqualTo("leader");
        assertThat(status.getNodeId()).isEqualTo(1);
        assertThat(status.getLeaderId()).isEqualTo(1);
        assertThat(status.getCommitIndex()).isEqualTo(1);
        assertThat(status.getAppliedIndex()).isEqualTo(1);
        assertThat(status.getIndex()).isEqualTo(1);
        assertThat(status.getMembersList()).hasSize(2);
        assertThat(status.getMembers(1).getClientAddress()).isEqualTo("h2:5379");
        assertThat(status.getMembers(1).getVoter()).isFalse();
        assertThat(status.getMembers(0).getVoter()).isTrue();
        assertThat(status.getInfoMap()).containsEntry("raft.custom", "x");
    }

    private static ErrorInfo assertError(ThrowingCallable call, Status.Code code, String errorCode) {
        StatusRuntimeException[] caught = new StatusRuntimeException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> caught[0] = e);
        assertThat(caught[0].getStatus().getCode()).isEqualTo(code);
        ErrorInfo info = ClientApi.errorInfo(caught[0]);
        assertThat(info).as("ErrorInfo trailer").isNotNull();
        assertThat(info.getCode()).isEqualTo(errorCode);
        return info;
    }

    private static void assertInvalid(ThrowingCallable call, String field) {
        ErrorInfo info = assertError(call, Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST");
        assertThat(info.getField()).isEqualTo(field);
        assertThat(info.getMessage()).startsWith(field + ": ");
    }
}
