package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves forwarded requests: the reply comes back; a handler's OstrakaException arrives as an
 * equal value (code, message, leader hint); a handler that never answers times out as TIMEOUT and
 * is cancelled; an unreachable peer fails fast with NO_QUORUM rather than waiting for the
 * deadline; close() fails pending forwards with STOPPED and leaves none of its threads behind.
 */
class ForwardTest {
    @TempDir
    Path root;

    private static OstrakaException failure(CompletableFuture<byte[]> f) throws Exception {
        Throwable t = catchThrowable(() -> f.get(20, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class);
        assertThat(t.getCause()).isInstanceOf(OstrakaException.class);
        return (OstrakaException) t.getCause();
    }

    @Test
    void replyComesBack() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            nodes.transport(2).setForwardHandler(request -> CompletableFuture.completedFuture(
                    ("echo:" + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
            byte[] reply = nodes.transport(1).forward(2, "put k v".getBytes(StandardCharsets.UTF_8))
                    .get(20, TimeUnit.SECONDS);
            assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("echo:put k v");
            assertThat(nodes.transport(1).metrics().forwardsSent()).isEqualTo(1);
        }
    }

    @Test
    void handlerErrorArrivesAsTheSameValue() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            OstrakaException notLeader = OstrakaException.notLeader(3, "10.0.0.3:6379");
            nodes.transport(2).setForwardHandler(request -> CompletableFuture.failedFuture(notLeader));
            OstrakaException e = failure(nodes.transport(1).forward(2, new byte[] {1}));
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER);
            assertThat(e.leaderId()).isEqualTo(3);
            assertThat(e.leaderAddress()).isEqualTo("10.0.0.3:6379");
            assertThat(e.getMessage()).isEqualTo(notLeader.getMessage());

            nodes.transport(2).setForwardHandler(request -> {
                throw new OstrakaException(ErrorCode.INVALID_REQUEST, "value too large");
            });
            OstrakaException thrown = failure(nodes.transport(1).forward(2, new byte[] {1}));
            assertThat(thrown.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(thrown.getMessage()).isEqualTo("value too large");
            assertThat(thrown.leaderId()).isZero();
            assertThat(thrown.leaderAddress()).isNull();
        }
    }

    @Test
    void handlerThatNeverAnswersTimesOut() throws Exception {
        Nodes nodes = new Nodes(root);
        try (nodes) {
            nodes.start(1, b -> b.forwardDeadline(Duration.ofMillis(200)));
            nodes.start(2, b -> b);
            nodes.connectAll();
            CompletableFuture<byte[]> never = new CompletableFuture<>();
            nodes.transport(2).setForwardHandler(request -> never);
            OstrakaException e = failure(nodes.transport(1).forward(2, new byte[] {1}));
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            Await.until("the handler's future cancelled", never::isCancelled);
        }
    }

    @Test
    void cancellingTheCallersFutureCancelsTheHandler() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            CompletableFuture<byte[]> never = new CompletableFuture<>();
            CompletableFuture<Void> handled = new CompletableFuture<>();
            nodes.transport(2).setForwardHandler(request -> {
                handled.complete(null);
                return never;
            });
            CompletableFuture<byte[]> pending = nodes.transport(1).forward(2, new byte[] {1});
            handled.get(20, TimeUnit.SECONDS);
            pending.cancel(false);
            Await.until("the handler's future cancelled", never::isCancelled);
        }
    }

    @Test
    void unreachablePeerFailsFastWithNoQuorum() throws Exception {
        Nodes nodes = new Nodes(root);
        try (nodes) {
            nodes.start(1, b -> b.forwardDeadline(Duration.ofMinutes(10)));
            nodes.start(2, b -> b);
            nodes.connectAll();
            nodes.transport(2).close();
            // With a 10-minute deadline, an answer within the await proves it did not wait for it.
            OstrakaException e = failure(nodes.transport(1).forward(2, new byte[] {1}));
            assertThat(e.code()).isEqualTo(ErrorCode.NO_QUORUM);
            assertThat(failure(nodes.transport(1).forward(7, new byte[] {1})).code()).isEqualTo(ErrorCode.NO_QUORUM);
        }
    }

    @Test
    void nodeWithoutHandlerAnswersNoQuorum() throws Exception {
        try (Nodes nodes = Nodes.started(root, 2)) {
            assertThat(failure(nodes.transport(1).forward(2, new byte[] {1})).code()).isEqualTo(ErrorCode.NO_QUORUM);
        }
    }

    @Test
    void closeFailsPendingForwardsWithStoppedAndStopsItsThreads() throws Exception {
        Nodes nodes = Nodes.started(root, 2);
        try (nodes) {
            CompletableFuture<byte[]> never = new CompletableFuture<>();
            nodes.transport(2).setForwardHandler(request -> never);
            CompletableFuture<byte[]> pending = nodes.transport(1).forward(2, new byte[] {1});
            nodes.transport(1).send(java.util.List.of(Msgs.append(1, 1, 2, 0))); // open the message stream too
            Await.until("the message stream is up", () -> nodes.inbound(2).received().size() == 1);
            String prefix = nodes.transport(1).threadNamePrefix() + "-";
            assertThat(liveThreads(prefix)).isPositive();

            nodes.transport(1).close();
            assertThat(failure(pending).code()).isEqualTo(ErrorCode.STOPPED);
            assertThat(failure(nodes.transport(1).forward(2, new byte[] {1})).code()).isEqualTo(ErrorCode.STOPPED);
            Await.until("no " + prefix + "* threads", () -> liveThreads(prefix) == 0);
        }
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }
}
