package io.ostraka.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.LocalKvService;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A statusOf in flight (RequestRunner.once) is among the requests close() fails: closed from an I/O
 * callback, the client neither waits for its channels nor runs the deadline sweeper any more, and
 * a statusOf to a node that does not answer used to never complete.
 */
class CloseFromCallbackStatusOfTest {

    @Test
    void aStatusOfInFlightCompletesWhenTheClientIsClosedFromACallback() throws Exception {
        LocalKvService service = new LocalKvService();
        // Accepts TCP connections (the kernel's backlog) but never speaks HTTP/2.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             GrpcServer server = TestServers.start(service)) {
            OstrakaClient client = TestServers.client(TestServers.address(server)).requestTimeout(Duration.ofSeconds(1)).build();
            CompletableFuture<ClusterStatus> status = client.async().statusOf("127.0.0.1:" + silent.getLocalPort());
            client.async().get(OstrakaClient.utf8("k")).thenRun(client::close).get(); // closed on the gRPC I/O thread
            assertThat(status).as("statusOf of a silent node (1 s timeout) after close()")
                    .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(OstrakaClientException.class);
        }
    }
}
