package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Proves compare-and-set on version: 0 means must-not-exist, and a mismatch reports the current version. */
class CompareAndSetTest {
    private final KvFixture kv = new KvFixture();

    @Test
    void expectedVersionZeroCreatesOnlyAMissingKey() {
        KvResult created = kv.apply(KvCommand.compareAndSet(b("k"), 0, b("a")));
        assertThat(created.status()).isEqualTo(KvStatus.OK);
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.createIndex()).isEqualTo(1);

        KvResult again = kv.apply(KvCommand.compareAndSet(b("k"), 0, b("b")));
        assertThat(again.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(again.version()).isEqualTo(1);
        assertThat(again.reason()).contains("at version 1, expected 0");
        assertThat(s(kv.machine.get(b("k")).value())).isEqualTo("a");
    }

    @Test
    void matchingVersionWritesAndBumpsTheVersion() {
        kv.apply(KvCommand.put(b("k"), b("a")));
        KvResult swapped = kv.apply(KvCommand.compareAndSet(b("k"), 1, b("b")));
        assertThat(swapped.status()).isEqualTo(KvStatus.OK);
        assertThat(swapped.version()).isEqualTo(2);
        assertThat(swapped.createIndex()).isEqualTo(1);
        assertThat(swapped.modIndex()).isEqualTo(2);
        assertThat(s(kv.machine.get(b("k")).value())).isEqualTo("b");
    }

    @Test
    void staleVersionFailsWithTheCurrentVersion() {
        kv.apply(KvCommand.put(b("k"), b("a")));
        kv.apply(KvCommand.put(b("k"), b("b")));
        KvResult failed = kv.apply(KvCommand.compareAndSet(b("k"), 1, b("c")));
        assertThat(failed.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(failed.version()).isEqualTo(2);
        assertThat(failed.modIndex()).isEqualTo(2);
        assertThat(s(kv.machine.get(b("k")).value())).isEqualTo("b");
    }

    @Test
    void nonZeroVersionOnAMissingKeyFailsWithVersionZero() {
        KvResult failed = kv.apply(KvCommand.compareAndSet(b("k"), 3, b("c")));
        assertThat(failed.status()).isEqualTo(KvStatus.CONDITION_FAILED);
        assertThat(failed.hasVersionInfo()).isTrue();
        assertThat(failed.version()).isZero();
        assertThat(kv.machine.size()).isZero();
    }
}
