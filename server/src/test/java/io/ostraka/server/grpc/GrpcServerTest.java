package io.ostraka.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ostraka.api.ClientApi;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.PutRequest;
import io.ostraka.api.kv.v1.StatusRequest;
import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.server.KvService;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves the server wrapper's lifecycle: defaults, ephemeral binding, a clean close, bind errors,
 * and handlers on a lent I/O group.
 */
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

    @Test
    void withALentGroupHandlersRunOnItsThreadAndCloseLeavesItRunning() throws Exception {
        // NIO, whatever the process uses for its own groups: the channels must follow the lent group.
        EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lent-io", true), NioIoHandler.newFactory());
        List<String> handlerThreads = new CopyOnWriteArrayList<>();
        LocalKvService local = new LocalKvService();
        KvService recording = new KvService() {
            @Override
            public CompletableFuture<Result> write(KvCommand command) {
                handlerThreads.add(Thread.currentThread().getName());
                return local.write(command);
            }

            @Override
            public CompletableFuture<Result> read(KvOp op, ReadConsistency consistency, long minIndex) {
                handlerThreads.add(Thread.currentThread().getName());
                return local.read(op, consistency, minIndex);
            }

            @Override
            public Map<String, String> info() {
                return local.info();
            }
        };
        try {
            GrpcServer server = GrpcServer.start(recording, GrpcServer.Options.DEFAULT.withHost("127.0.0.1").withPort(0), io);
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                KvGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")).build());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(handlerThreads).singleElement().asString().startsWith("lent-io");
            server.close();
            assertThat(server.isTerminated()).isTrue();
            assertThat(io.isShuttingDown()).as("the lent group is the lender's to stop").isFalse();
        } finally {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
