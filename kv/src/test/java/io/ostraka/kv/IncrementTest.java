package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves INCR/INCRBY: values are decimal ASCII as in Redis, a missing key counts as 0, a
 * non-integer value is WRONG_TYPE and leaving the int64 range is OVERFLOW, each naming the problem
 * and changing nothing.
 */
class IncrementTest {
    private final KvFixture kv = new KvFixture();

    @Test
    void incrementOfAMissingKeyStartsFromZero() {
        KvResult result = kv.apply(KvCommand.increment(b("n")));
        assertThat(result.status()).isEqualTo(KvStatus.OK);
        assertThat(result.integer()).isEqualTo(1);
        assertThat(result.version()).isEqualTo(1);
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("1");
    }

    @Test
    void incrementByAddsSignedDeltasAndBumpsVersions() {
        kv.apply(KvCommand.put(b("n"), b("10")));
        assertThat(kv.apply(KvCommand.incrementBy(b("n"), 5)).integer()).isEqualTo(15);
        KvResult down = kv.apply(KvCommand.incrementBy(b("n"), -20));
        assertThat(down.integer()).isEqualTo(-5);
        assertThat(down.version()).isEqualTo(3);
        assertThat(down.createIndex()).isEqualTo(1);
        assertThat(down.modIndex()).isEqualTo(3);
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo("-5");
    }

    @Test
    void reachesBothEndsOfTheRangeExactly() {
        kv.apply(KvCommand.put(b("n"), b(Long.toString(Long.MAX_VALUE - 1))));
        assertThat(kv.apply(KvCommand.increment(b("n"))).integer()).isEqualTo(Long.MAX_VALUE);
        kv.apply(KvCommand.put(b("m"), b(Long.toString(Long.MIN_VALUE))));
        assertThat(kv.apply(KvCommand.incrementBy(b("m"), 0)).integer()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void overflowIsRefusedAndNamed() {
        kv.apply(KvCommand.put(b("n"), b(Long.toString(Long.MAX_VALUE))));
        KvResult up = kv.apply(KvCommand.increment(b("n")));
        assertThat(up.status()).isEqualTo(KvStatus.OVERFLOW);
        assertThat(up.reason()).contains("would overflow").contains("9223372036854775807 + 1");
        assertThat(kv.machine.get(b("n")).version()).isEqualTo(1);

        kv.apply(KvCommand.put(b("m"), b("-2")));
        KvResult down = kv.apply(KvCommand.incrementBy(b("m"), Long.MIN_VALUE));
        assertThat(down.status()).isEqualTo(KvStatus.OVERFLOW);
        assertThat(s(kv.machine.get(b("m")).value())).isEqualTo("-2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "1.5", " 1", "1 ", "+1", "0x10", "-", "1e3"})
    void nonIntegerValueIsWrongType(String stored) {
        kv.apply(KvCommand.put(b("n"), b(stored)));
        KvResult result = kv.apply(KvCommand.increment(b("n")));
        assertThat(result.status()).isEqualTo(KvStatus.WRONG_TYPE);
        assertThat(result.reason()).contains("is not a decimal integer");
        assertThat(s(kv.machine.get(b("n")).value())).isEqualTo(stored);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "007", "-0", "00",
        "123456789012345678901"})
    void numericButNotACanonicalInt64IsWrongType(String stored) {
        kv.apply(KvCommand.put(b("n"), b(stored)));
        KvResult result = kv.apply(KvCommand.increment(b("n")));
        assertThat(result.status()).isEqualTo(KvStatus.WRONG_TYPE);
        assertThat(result.reason()).contains("signed 64-bit range");
    }

    @Test
    void decimalParsingMatchesLongParsingOnCanonicalText() {
        for (long value : new long[] {0, 1, -1, 10, -10, Long.MAX_VALUE, Long.MIN_VALUE, 1234567890123L}) {
            assertThat(DecimalInteger.parse(DecimalInteger.format(value))).isEqualTo(value);
        }
        assertThat(DecimalInteger.looksNumeric(b(""))).isFalse();
        assertThat(DecimalInteger.looksNumeric(b("-"))).isFalse();
        assertThat(DecimalInteger.looksNumeric(b("-12"))).isTrue();
    }
}
