package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Proves reconnect delays double from 50 ms to a 5 s cap, stay within [d/2, d], and replay from a seed. */
class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), new SplittableRandom(1));

    @Test
    void nominalDelaysDoubleUpToTheCap() {
        assertThat(backoff.nominalMillis(1)).isEqualTo(50);
        assertThat(backoff.nominalMillis(2)).isEqualTo(100);
        assertThat(backoff.nominalMillis(7)).isEqualTo(3200);
        assertThat(backoff.nominalMillis(8)).isEqualTo(5000);
        assertThat(backoff.nominalMillis(1000)).isEqualTo(5000);
    }

    @Test
    void jitteredDelaysStayBetweenHalfAndFull() {
        for (int failures = 1; failures < 40; failures++) {
            long nominal = backoff.nominalMillis(failures);
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delayMillis(failures)).isBetween(nominal / 2, nominal);
            }
        }
    }

    @Test
    void sameSeedSameDelays() {
        Backoff a = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), new SplittableRandom(42));
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), new SplittableRandom(42));
        for (int failures = 1; failures < 20; failures++) {
            assertThat(a.delayMillis(failures)).isEqualTo(b.delayMillis(failures));
        }
    }

    @Test
    void refusesBadBounds() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
