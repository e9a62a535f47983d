package io.ostraka.client;

import static io.ostraka.client.OstrakaClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.grpc.ManagedChannel;
import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.LocalKvService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Channels to NOT_LEADER hints are closed once the hint is forgotten, and a hint that is not host:port is not followed. */
class LeaderHintChannelsTest {

    /** Every distinct hint gets a channel of its own; without closing forgotten ones a server could make the client open any number. */
    @Test
    void channelsToForgottenLeaderHintsAreNotKeptOpen() {
        Router router = new Router(List.of("127.0.0.1:1"));
        List<ManagedChannel> opened = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                String hint = "127.0.0.1:" + (20_000 + i);
                router.notLeader("127.0.0.1:1", hint); // as RequestRunner.failed does on NOT_LEADER
                opened.add(router.channel(router.target())); // as the redirected attempt does
                router.failed(hint); // the hint did not answer: the router forgets it
            }
            assertThat(opened.stream().filter(c -> !c.isShutdown()).count())
                    .as("channels still open after following 100 distinct hints, each since forgotten").isLessThanOrEqualTo(8);
        } finally {
            router.close();
        }
    }

    /** A request redirected to a hint that is not host:port completes (it used to throw on the scheduler and never complete). */
    @Test
    void aRequestRedirectedToAnUnparsableHintStillCompletes() throws Exception {
        withAFollowerHinting("not a host:port", (server, client) -> {
            CompletableFuture<Optional<KeyValue>> read = client.async().get(utf8("k"));
            assertThat(read).as("a read redirected to \"not a host:port\" (request timeout 1 s)")
                    .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(OstrakaClientException.class);
        });
    }

    /** A hint that is not host:port is not followed: later requests go where they would have, and fail or succeed as futures. */
    @Test
    void anUnparsableHintIsNotFollowed() throws Exception {
        withAFollowerHinting("not a host:port", (server, client) -> {
            assertThat(client.async().get(utf8("k"))).failsWithin(Duration.ofSeconds(5));
            assertThat(client.currentTarget()).isEqualTo(TestServers.address(server));
            assertThatCode(() -> client.async().get(utf8("k2"))).as("a later async get").doesNotThrowAnyException();
        });
    }

    private interface WithClient {
        void run(GrpcServer server, OstrakaClient client) throws Exception;
    }

    /** A server that answers every request NOT_LEADER with {@code hint}, and a client (1 s request timeout) pointed at it. */
    private static void withAFollowerHinting(String hint, WithClient test) throws Exception {
        LocalKvService follower = new LocalKvService().redirectTo(2, hint);
        try (GrpcServer server = TestServers.start(follower);
             OstrakaClient client = TestServers.client(TestServers.address(server))
                     .requestTimeout(Duration.ofSeconds(1)).build()) {
            test.run(server, client);
        }
    }

    @Test
    void onlyHostPortCountsAsAnAddress() {
        assertThat(List.of("127.0.0.1:5379", "node-2.example:1", "[::1]:65535", "a_b:80"))
                .allMatch(Router::isHostPort);
        assertThat(java.util.Arrays.asList("", null, "not a host:port", "host", "host:0", "host:65536", ":80",
                "host:80/path", "dns:///host:80", "[::1]", "host:-1")).noneMatch(Router::isHostPort);
    }

    /** statusOf with an address that is not host:port fails its future rather than throwing. */
    @Test
    void statusOfAnUnparsableAddressFailsItsFuture() throws Exception {
        try (OstrakaClient client = TestServers.client("127.0.0.1:1").build()) {
            assertThatCode(() -> client.async().statusOf("not a host:port")).as("async statusOf")
                    .doesNotThrowAnyException();
        }
    }
}
