package io.ostraka.server.resp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves SCAN cursors are digits only, round-trip to the key's successor, and reject anything else. */
class ScanCursorTest {
    @Property(tries = 300)
    void cursorsAreDigitsAndResumeRightAfterTheKey(@ForAll @Size(max = 64) byte[] key) {
        String cursor = ScanCursor.encode(key);
        assertThat(cursor).matches("1[0-9]*");
        byte[] resume = ScanCursor.resumeKey(cursor.getBytes(StandardCharsets.US_ASCII));
        assertThat(resume).hasSize(key.length + 1);
        assertThat(Arrays.copyOf(resume, key.length)).isEqualTo(key);
        assertThat(resume[key.length]).isZero();
        assertThat(Arrays.compareUnsigned(resume, key)).isPositive();
    }

    @Test
    void startCursorAndInvalidCursors() {
        assertThat(ScanCursor.resumeKey("0".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        for (String bad : new String[] {"", "2", "10", "1256", "1abc", "-1", "01", "100"}) {
            assertThat(ScanCursor.resumeKey(bad.getBytes(StandardCharsets.US_ASCII))).as(bad).isNull();
        }
        assertThat(ScanCursor.encode("ab".getBytes(StandardCharsets.US_ASCII))).isEqualTo("1097098");
        byte[] longest = new byte[io.ostraka.kv.KvLimits.KEY_BYTES_MAX];
        assertThat(ScanCursor.resumeKey(ScanCursor.encode(longest).getBytes(StandardCharsets.US_ASCII)))
                .hasSize(longest.length + 1);
        byte[] tooLong = new byte[longest.length + 1];
        assertThat(ScanCursor.resumeKey(ScanCursor.encode(tooLong).getBytes(StandardCharsets.US_ASCII)))
                .as("longer than any key: never written by this server").isNull();
    }
}
