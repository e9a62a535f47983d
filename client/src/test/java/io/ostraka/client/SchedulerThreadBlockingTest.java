package io.ostraka.client;

import static io.ostraka.client.OstrakaClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import io.ostraka.server.grpc.GrpcServer;
import io.ostraka.server.grpc.LocalKvService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A future completed by a retry on the client's timer thread runs the caller's callbacks there, as a
 * callback: a blocking call in one is refused. (It was not, and blocked the timer thread, which
 * runs every deadline sweep and every retry, waiting forever for a deadline only it could enforce.)
 */
class SchedulerThreadBlockingTest {

    @Test
    void aBlockingCallInACallbackOnTheTimerThreadIsRefusedOrTimesOut() throws Exception {
        LocalKvService first = new LocalKvService();
        first.failNext(new OstrakaException(ErrorCode.NO_QUORUM, "no quorum")); // the first read is retried after a backoff
        LocalKvService hung = new LocalKvService().hangReads(true);
        try (GrpcServer a = TestServers.start(first);
             GrpcServer b = TestServers.start(hung);
             OstrakaClient client = TestServers.client(TestServers.address(a), TestServers.address(b))
                     .requestTimeout(Duration.ofSeconds(10)).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build()) {
            OstrakaClient quick = client.withRequestTimeout(Duration.ofMillis(300));
            Context.CancellableContext caller = Context.current().withCancellation();
            CompletableFuture<Optional<KeyValue>> read = caller.call(() -> client.async().get(utf8("k")));
            CompletableFuture<String> inCallback = new CompletableFuture<>();
            CompletableFuture<Object> blocking = new CompletableFuture<>();
            read.handle((v, e) -> {
                inCallback.complete(Thread.currentThread().getName());
                try {
                    blocking.complete(quick.get("x")); // a blocking call in a callback, as a user might
                } catch (Throwable t) {
                    blocking.complete(t); // refused (IllegalStateException) or TIMEOUT: either is fine
                }
                return null;
            });
            // The NO_QUORUM was handled (the router moved on to b) and the retry waits out its backoff.
            TestServers.await(() -> client.currentTarget().equals(TestServers.address(b)), "the first attempt to fail");
            caller.cancel(null); // the retry, on the timer thread, completes the read as abandoned
            String thread = inCallback.get(10, TimeUnit.SECONDS);
            // Another request with a 300 ms deadline, started by another thread meanwhile.
            CompletableFuture<Optional<KeyValue>> other = quick.async().get(utf8("other"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while ((!blocking.isDone() || !other.isDone()) && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertThat(new boolean[] {blocking.isDone(), other.isDone()})
                    .as("[blocking get in a callback on %s, another thread's get] done within 3 s (both have 300 ms deadlines)",
                            thread).containsExactly(true, true);
        }
    }
}
