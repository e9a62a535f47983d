package io.ostraka.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineSweeperTest {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final DeadlineSweeper sweeper = new DeadlineSweeper(timer);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** Counts cancellations; nothing else is used. */
    private static final class FakeCall extends ClientCall<Object, Object> {
        final AtomicInteger cancels = new AtomicInteger();

        @Override public void start(Listener<Object> listener, Metadata headers) { }
        @Override public void request(int numMessages) { }
        @Override public void cancel(String message, Throwable cause) { cancels.incrementAndGet(); }
        @Override public void halfClose() { }
        @Override public void sendMessage(Object message) { }
    }

    @Test
    void aCallStillRunningAtItsDeadlineIsCancelledOnceAndMarkedExpired() {
        FakeCall call = new FakeCall();
        long start = System.nanoTime();
        DeadlineSweeper.Tracked t = sweeper.track(call, start + TimeUnit.MILLISECONDS.toNanos(30));
        sweeper.watch(t);
        TestServers.await(() -> call.cancels.get() == 1, "the cancel");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(t.expired()).isTrue();
        assertThat(sweeper.inFlight()).isZero();
        TestServers.await(() -> timer.getQueue().isEmpty() && timer.getActiveCount() == 0, "the sweeper to stop");
        assertThat(call.cancels).hasValue(1);
    }

    @Test
    void aCallThatEndsInTimeIsForgottenAndTheSweeperStops() {
        FakeCall call = new FakeCall();
        DeadlineSweeper.Tracked t = sweeper.track(call, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
        sweeper.watch(t);
        sweeper.done(t);
        assertThat(sweeper.inFlight()).isZero();
        TestServers.await(() -> timer.getQueue().isEmpty() && timer.getActiveCount() == 0, "the sweeper to stop");
        assertThat(call.cancels).hasValue(0);
        assertThat(t.expired()).isFalse();
    }

    @Test
    void aCallThatEndedInsideItsStartIsNotWatched() {
        FakeCall call = new FakeCall();
        DeadlineSweeper.Tracked t = sweeper.track(call, System.nanoTime() - 1);
        sweeper.done(t);
        sweeper.watch(t);
        assertThat(sweeper.inFlight()).isZero();
        assertThat(timer.getQueue()).as("no sweep for nothing").isEmpty();
    }

    @Test
    void manyCallsAreSweptByOneTimerAndTheLiveOnesKept() {
        FakeCall expiring = new FakeCall();
        FakeCall living = new FakeCall();
        long now = System.nanoTime();
        DeadlineSweeper.Tracked soon = sweeper.track(expiring, now + TimeUnit.MILLISECONDS.toNanos(15));
        DeadlineSweeper.Tracked later = sweeper.track(living, now + TimeUnit.HOURS.toNanos(1));
        sweeper.watch(soon);
        sweeper.watch(later);
        assertThat(timer.getQueue()).hasSize(1);
        TestServers.await(() -> expiring.cancels.get() == 1, "the expired call's cancel");
        assertThat(sweeper.inFlight()).isEqualTo(1);
        assertThat(living.cancels).hasValue(0);
        sweeper.done(later);
        TestServers.await(() -> timer.getQueue().isEmpty() && timer.getActiveCount() == 0, "the sweeper to stop");
    }
}
