package io.ostraka.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.BatchOp;
import io.ostraka.api.kv.v1.BatchRequest;
import io.ostraka.api.kv.v1.ErrorInfo;
import io.ostraka.api.kv.v1.GetOp;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.OpenSessionRequest;
import io.ostraka.api.kv.v1.PutRequest;
import io.ostraka.api.kv.v1.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Errors of the gRPC KV path name the field that was wrong, with a true explanation. */
class GrpcErrorFieldsTest {
    private final LocalKvService service = new LocalKvService();
    private GrpcServer server;
    private ManagedChannel channel;
    private KvGrpc.KvBlockingStub kv;

    @BeforeEach
    void start() throws IOException {
        server = GrpcServer.start(service, GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(0));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        kv = KvGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    /**
     * docs/client.md: INVALID_REQUEST's "field names the request field ... and message starts with
     * it". A batch the state machine refuses (its results would exceed 4 MiB) names the operation
     * (it named no field before, and the failed op index was lost with it).
     */
    @Test
    void aBatchRefusedByTheStateMachineNamesTheOperation() {
        for (int i = 0; i < 5; i++) {
            kv.put(PutRequest.newBuilder().setKey(b("b" + i)).setValue(ByteString.copyFrom(new byte[1024 * 1024])).build());
        }
        BatchRequest.Builder batch = BatchRequest.newBuilder();
        for (int i = 0; i < 5; i++) {
            batch.addOps(BatchOp.newBuilder().setGet(GetOp.newBuilder().setKey(b("b" + i))));
        }
        StatusRuntimeException e = catchThrowableOfType(() -> kv.batch(batch.build()), StatusRuntimeException.class);
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        ErrorInfo info = ClientApi.errorInfo(e);
        assertThat(info.getField()).as("ErrorInfo.field (message: %s)", info.getMessage()).isEqualTo("ops[4]");
        assertThat(info.getMessage()).startsWith("ops[4]: ");
    }

    /** A session sequence above 2^63-1 (a uint64 on the wire) was said to be "less than 1". */
    @Test
    void aSequenceAtOrAbove2To63IsReportedAsTooLarge() {
        long session = kv.openSession(OpenSessionRequest.getDefaultInstance()).getSessionId();
        StatusRuntimeException e = catchThrowableOfType(() -> kv.put(PutRequest.newBuilder()
                .setSession(Session.newBuilder().setId(session).setSequence(Long.MIN_VALUE))
                .setKey(b("k")).setValue(b("v")).build()), StatusRuntimeException.class);
        ErrorInfo info = ClientApi.errorInfo(e);
        assertThat(info.getField()).isEqualTo("session.sequence");
        assertThat(info.getMessage()).doesNotContain("must be 1 or more").contains("must be below 2^63 (got 9223372036854775808)");
    }
}
