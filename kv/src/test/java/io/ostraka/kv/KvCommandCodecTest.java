package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.kv.KvOp.PutCondition;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

/**
 * Proves the command encoding: every command round-trips, the encoding is canonical (re-encoding a
 * decoded command gives the same bytes), and malformed input of any kind — truncated, trailing
 * bytes, bad versions, unknown or reserved op codes, bad flags, over-long varints, over-limit
 * lengths, random bytes — decodes to an error value and never throws.
 */
class KvCommandCodecTest {
    @Provide
    Arbitrary<KvCommand> commands() {
        return KvArbitraries.commands();
    }

    @Property
    void everyCommandRoundTrips(@ForAll("commands") KvCommand command) {
        byte[] encoded = command.encode();
        KvCommand.Decoded decoded = KvCommand.decode(encoded);
        assertThat(decoded.error()).isNull();
        assertThat(decoded.command()).isEqualTo(command);
        assertThat(decoded.command().encode()).isEqualTo(encoded);
    }

    @Property
    void everyStrictPrefixIsTruncated(@ForAll("commands") KvCommand command) {
        byte[] encoded = command.encode();
        for (int length = 0; length < encoded.length; length++) {
            KvCommand.Decoded decoded = KvCommand.decode(Arrays.copyOf(encoded, length));
            assertThat(decoded.isOk()).as("prefix of %d bytes", length).isFalse();
            assertThat(decoded.error()).startsWith("malformed command:");
        }
    }

    @Property
    void trailingBytesAreRejected(@ForAll("commands") KvCommand command, @ForAll byte extra) {
        byte[] encoded = command.encode();
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
        longer[encoded.length] = extra;
        assertThat(KvCommand.decode(longer).error()).contains("trailing bytes");
    }

    @Property(tries = 2000)
    void randomBytesNeverThrow(@ForAll byte[] bytes) {
        KvCommand.Decoded decoded = KvCommand.decode(bytes);
        assertThat(decoded.isOk() ^ decoded.error() != null).isTrue();
        if (decoded.isOk()) {
            assertThat(decoded.command().encode()).isEqualTo(inCurrentVersion(bytes, decoded));
        }
    }

    @Property(tries = 2000)
    void randomMutationsOfValidCommandsNeverThrow(@ForAll("commands") KvCommand command,
            @ForAll int position, @ForAll byte replacement) {
        byte[] encoded = command.encode();
        encoded[Math.floorMod(position, encoded.length)] = replacement;
        KvCommand.Decoded decoded = KvCommand.decode(encoded);
        if (decoded.isOk()) {
            assertThat(decoded.command().encode()).isEqualTo(inCurrentVersion(encoded, decoded));
        } else {
            assertThat(decoded.error()).isNotBlank();
        }
    }

    /** {@code bytes} as the encoder writes them: the legacy version differs in its first byte only. */
    private static byte[] inCurrentVersion(byte[] bytes, KvCommand.Decoded decoded) {
        assertThat(decoded.version()).isEqualTo(bytes[0]);
        byte[] current = bytes.clone();
        current[0] = (byte) KvCommand.FORMAT_VERSION;
        return current;
    }

    @Test
    void knownEncodingOfAPut() {
        byte[] encoded = KvCommand.put(b("k"), b("v"), PutCondition.IF_ABSENT, true).withSession(5, 300).encode();
        // version 2, session 5, sequence 300 = 0xAC 0x02, PUT, flags NX|GET, "k", "v"
        assertThat(encoded).containsExactly(2, 5, 0xAC, 0x02, 1, 5, 1, 'k', 1, 'v');
        assertThat(KvCommand.openSession().encode()).containsExactly(2, 0, 0x0B);
    }

    @Test
    void malformedInputsNameTheProblem() {
        assertError(null, "command is null");
        assertError(new byte[0], "truncated at byte 0 while reading format version");
        assertError(new byte[] {3, 0, 2, 0}, "unsupported command format version 3");
        assertError(new byte[] {0, 0, 2, 0}, "unsupported command format version 0");
        assertError(new byte[] {2, 7, 1, 0x0B}, "OPEN_SESSION cannot belong to session 7");
        assertError(new byte[] {2, 0, 0x0B, 0}, "trailing bytes");
        assertError(new byte[] {1, 0, 0x7F}, "unknown op code 0x7f");
        assertError(new byte[] {1, 0, 0x09}, "op code 0x9 (EXPIRE) is reserved");
        assertError(new byte[] {1, 0, 0x0A}, "op code 0xa (WATCH) is reserved");
        assertError(new byte[] {1, 0, 1, 8, 0, 0}, "unknown put flags 0x8");
        assertError(new byte[] {1, 0, 1, 3, 0, 0}, "put with both NX and XX");
        assertError(new byte[] {1, 5, 0, 2, 0}, "sequence: 0 outside [1,");
        assertError(new byte[] {1, (byte) 0x80, 0, 2, 0}, "session id: varint not in shortest form");
        assertError(new byte[] {1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2}, "varint overflows 64 bits");
        assertError(new byte[] {1, 0, 2, (byte) 0x81, (byte) 0x80, 0x04}, "key: length 65537 exceeds the maximum 65536");
        assertError(new byte[] {1, 0, 2, 5, 'a'}, "truncated at byte 4 while reading key");
        assertError(new byte[] {1, 0, 3, 0}, "delete key count: 0 outside [1, 1024]");
        assertError(new byte[] {1, 0, 6, 0, 2}, "has end: boolean byte 2 is neither 0 nor 1");
        assertError(new byte[] {1, 0, 6, 0, 0, 0}, "scan limit: 0 outside [1, 10000]");
        assertError(new byte[] {1, 0, 8, 1, 8, 1, 2, 0}, "BATCH is not allowed inside a batch");
        assertError(new byte[] {1, 0, 8, 1, 6, 0, 0, 1}, "SCAN is not allowed inside a batch");
        assertError(new byte[] {1, 0, 8, 0}, "batch op count: 0 outside [1, 1024]");
    }

    @Test
    void applyOfMalformedCommandsIsADeterministicInvalidRequest() {
        KvStateMachine first = KvStateMachine.inMemory();
        KvStateMachine second = KvStateMachine.inMemory();
        for (byte[] bad : List.of(new byte[0], new byte[] {1, 0, 0x09}, new byte[] {9})) {
            byte[] a = first.apply(first.appliedIndex() + 1, bad);
            byte[] b = second.apply(second.appliedIndex() + 1, bad);
            assertThat(a).isEqualTo(b);
            KvResult result = KvResult.decode(a);
            assertThat(result.status()).isEqualTo(KvStatus.INVALID_REQUEST);
            assertThat(result.reason()).startsWith("malformed command:");
        }
        assertThat(first.appliedIndex()).isEqualTo(3);
        assertThat(first.size()).isZero();
    }

    @Test
    void opCodesAreStable() {
        assertThat(OpCode.fromCode(0x01)).isEqualTo(OpCode.PUT);
        assertThat(OpCode.fromCode(0x08)).isEqualTo(OpCode.BATCH);
        assertThat(OpCode.fromCode(0x09).isReserved()).isTrue();
        assertThat(OpCode.fromCode(0x0B)).isEqualTo(OpCode.OPEN_SESSION);
        assertThat(OpCode.fromCode(0x0C)).isNull();
    }

    private static void assertError(byte[] input, String expected) {
        KvCommand.Decoded decoded = KvCommand.decode(input);
        assertThat(decoded.isOk()).isFalse();
        assertThat(decoded.error()).contains(expected);
    }
}
