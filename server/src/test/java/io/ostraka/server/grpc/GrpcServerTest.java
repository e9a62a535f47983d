package io.ostraka.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.StatusRequest;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Proves the server wrapper's lifecycle: defaults, ephemeral binding, a clean close, bind errors. */
class GrpcServerTest {
    @Test
    void defaultsToTheClientPort() {
        assertThat(GrpcServer.Options.DEFAULT.port()).isEqualTo(ClientApi.DEFAULT_PORT).isEqualTo(5379);
        assertThatThrownBy(() -> GrpcServer.Options.DEFAULT.withPort(70000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 70000");
    }

    @Test
    void bindsAnEphemeralPortServesAndClosesCleanly() throws Exception {
        GrpcServer server = GrpcServer.start(new LocalKvService(),
                GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(0));
        assertThat(server.port()).isPositive();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            assertThat(KvGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .status(StatusRequest.getDefaultInstance()).getRole()).isEqualTo("leader");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        server.close();
        assertThat(server.isTerminated()).isTrue();
    }

    @Test
    void aTakenPortIsAnErrorNamingTheAddress() throws IOException {
        try (GrpcServer first = GrpcServer.start(new LocalKvService(),
                GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(0))) {
            assertThatThrownBy(() -> GrpcServer.start(new LocalKvService(),
                    GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(first.port())))
                    .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + first.port());
        }
    }
}
