package io.ostraka.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing the client answers every request still running with STOPPED, whatever thread closes it. */
class ClientCloseTest {
    private static int refusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // closed again: connections to it are refused
        }
    }

    private static void assertStopped(CompletableFuture<?> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(OstrakaClientException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STOPPED));
    }

    @Test
    void aRequestWaitingOutALongBackoffFailsWithStoppedOnClose() throws Exception {
        // A minute of backoff and of deadline: only close() can end the request within the test.
        OstrakaClient client = OstrakaClient.builder().endpoints("127.0.0.1:" + refusedPort())
                .requestTimeout(Duration.ofMinutes(2)).backoff(Duration.ofMinutes(1), Duration.ofMinutes(1)).build();
        CompletableFuture<java.util.Optional<KeyValue>> read = client.async().get(OstrakaClient.utf8("k"));
        client.close();
        assertStopped(read);
    }

    @Test
    void closingFromACallbackOnTheClientsOwnThreadStillAnswersTheOthers() throws Exception {
        OstrakaClient client = OstrakaClient.builder().endpoints("127.0.0.1:" + refusedPort())
                .requestTimeout(Duration.ofMinutes(2)).backoff(Duration.ofMillis(20), Duration.ofMinutes(1)).build();
        CompletableFuture<java.util.Optional<KeyValue>> other = client.async().get(OstrakaClient.utf8("other"));
        CompletableFuture<Void> closedInCallback = client.withRequestTimeout(Duration.ofMillis(300)).async()
                .get(OstrakaClient.utf8("k")).handle((v, e) -> {
                    client.close();
                    return null;
                });
        closedInCallback.get(10, TimeUnit.SECONDS);
        assertStopped(other);
    }
}
