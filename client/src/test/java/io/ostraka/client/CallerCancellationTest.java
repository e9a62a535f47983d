package io.ostraka.client;

import static io.ostraka.client.OstrakaClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.LocalKvService;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * CANCELLED is not always the server resetting a call: a call bound to a caller gRPC context that
 * is cancelled fails CANCELLED too, and that must end the request, not be retried (found by review
 * of 95418f5, which made CANCELLED retryable).
 */
class CallerCancellationTest {

    @Test
    void aWriteWhoseCallerCancelledItsGrpcContextIsNotResent() throws Exception {
        ClientLimitsAndRetriesTest.HangingWrites service = new ClientLimitsAndRetriesTest.HangingWrites(new LocalKvService());
        try (GrpcServer server = TestServers.start(service);
             OstrakaClient client = TestServers.client(TestServers.address(server))
                     .requestTimeout(Duration.ofSeconds(5)).build()) {
            client.put("warm", "up"); // opens the session
            service.hang = true;
            Context.CancellableContext caller = Context.current().withCancellation();
            CompletableFuture<WriteResult> write = caller.call(() -> client.async().put(utf8("k"), utf8("v")));
            TestServers.await(() -> service.hung.get() == 1, "the write to reach the server");
            caller.cancel(null); // the caller (say a gRPC handler whose own caller went away) gives up
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!write.isDone() && service.hung.get() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(service.hung.get())
                    .as("attempts that reached the server after the caller cancelled its context (write done: %s)",
                            write.isDone())
                    .isEqualTo(1);
            assertThat(write).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withMessageContaining("the caller's gRPC context was cancelled");
        }
    }
}
