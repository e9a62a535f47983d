package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Proves the result encoding: every result the state machine produces round-trips exactly, and a
 * damaged result is refused with IllegalArgumentException rather than misread.
 */
class KvResultCodecTest {
    @Provide
    Arbitrary<List<KvCommand>> histories() {
        return KvArbitraries.commands().list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 300)
    void everyProducedResultRoundTrips(@ForAll("histories") List<KvCommand> history) {
        KvStateMachine machine = KvStateMachine.inMemory();
        long index = 0;
        for (KvCommand command : history) {
            byte[] encoded = machine.apply(++index, command.encode());
            KvResult result = KvResult.decode(encoded);
            assertThat(result.encode()).isEqualTo(encoded);
            assertThat(KvResult.decode(result.encode())).isEqualTo(result).hasSameHashCodeAs(result);
        }
    }

    @Test
    void handBuiltResultsRoundTrip() {
        List<KvResult> samples = new ArrayList<>();
        samples.add(KvResult.builder(KvStatus.OK).build());
        samples.add(KvResult.invalidRequest("bad ∆ request"));
        samples.add(KvResult.builder(KvStatus.OK).value(b("v")).versionInfo(3, 1, 9).build());
        samples.add(KvResult.builder(KvStatus.OK).integer(-42).build());
        samples.add(KvResult.builder(KvStatus.OK).entries(List.of(
                new KvEntry(b("k"), new VersionedValue(b("v"), 2, 1, 5))), true).build());
        samples.add(KvResult.builder(KvStatus.CONDITION_FAILED).reason("x")
                .results(List.of(KvResult.builder(KvStatus.NOT_FOUND).build())).failedOp(0).build());
        for (KvResult sample : samples) {
            assertThat(KvResult.decode(sample.encode())).isEqualTo(sample);
            assertThat(sample.toString()).startsWith("KvResult[" + sample.status());
        }
    }

    @Test
    void absentFieldsReadAsEmpty() {
        KvResult ok = KvResult.builder(KvStatus.OK).build();
        assertThat(ok.entries()).isEmpty();
        assertThat(ok.results()).isEmpty();
        assertThat(ok.value()).isNull();
        assertThat(ok.hasInteger()).isFalse();
        assertThat(ok.hasVersionInfo()).isFalse();
        assertThat(ok.failedOp()).isEqualTo(-1);
        assertThat(ok.reason()).isNull();
    }

    @Test
    void damagedResultsAreRefused() {
        assertThatThrownBy(() -> KvResult.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed result: truncated");
        assertThatThrownBy(() -> KvResult.decode(new byte[] {2, 0, 0}))
                .hasMessageContaining("unsupported result format version 2");
        assertThatThrownBy(() -> KvResult.decode(new byte[] {1, 99, 0})).hasMessageContaining("unknown status code 99");
        assertThatThrownBy(() -> KvResult.decode(new byte[] {1, 0, (byte) 0x80}))
                .hasMessageContaining("unknown result flags 0x80");
        assertThatThrownBy(() -> KvResult.decode(new byte[] {1, 0, 0, 0})).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> KvResult.decode(new byte[] {1, 3, 1, 1, (byte) 0xff}))
                .hasMessageContaining("not valid UTF-8");
        byte[] nested = KvResult.builder(KvStatus.OK).results(List.of(KvResult.builder(KvStatus.OK)
                .results(List.of()).build())).build().encode();
        assertThatThrownBy(() -> KvResult.decode(nested)).hasMessageContaining("nested batch results");
    }
}
