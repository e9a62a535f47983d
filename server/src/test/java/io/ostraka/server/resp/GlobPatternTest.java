package io.ostraka.server.resp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves Redis glob semantics for KEYS/SCAN MATCH, the literal prefix used to narrow scans, and bounded cost. */
class GlobPatternTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "*        | anything   | true",
        "*        | ``         | true",
        "h?llo    | hello      | true",
        "h?llo    | hllo       | false",
        "h*llo    | heeeello   | true",
        "h[ae]llo | hallo      | true",
        "h[ae]llo | hillo      | false",
        "h[^e]llo | hallo      | true",
        "h[^e]llo | hello      | false",
        "h[a-b]llo| hbllo      | true",
        "h[b-a]llo| hbllo      | true",
        "h[a-b]llo| hcllo      | false",
        "h\\*llo  | h*llo      | true",
        "h\\*llo  | hello      | false",
        "user:*   | user:1     | true",
        "user:*   | user       | false",
        "*a*b     | xaxxb      | true",
        "*a*b     | xaxxbc     | false",
        "a*       | a          | true",
        "[abc     | b          | true",
    })
    void matchesLikeRedis(String pattern, String key, boolean expected) {
        assertThat(GlobPattern.compile(b(pattern)).matches(b(key))).isEqualTo(expected);
    }

    @Test
    void literalPrefixStopsAtTheFirstSpecialCharacter() {
        assertThat(GlobPattern.compile(b("user:*")).literalPrefix()).isEqualTo(b("user:"));
        assertThat(GlobPattern.compile(b("a?c")).literalPrefix()).isEqualTo(b("a"));
        assertThat(GlobPattern.compile(b("[ab]")).literalPrefix()).isEmpty();
        assertThat(GlobPattern.compile(b("a\\*")).literalPrefix()).isEqualTo(b("a"));
        assertThat(GlobPattern.compile(b("*")).matchesAll()).isTrue();
    }

    @Test
    void longPatternsAreRefusedAndPathologicalOnesStayCheap() {
        assertThat(GlobPattern.compile(new byte[GlobPattern.PATTERN_BYTES_MAX + 1])).isNull();
        GlobPattern nasty = GlobPattern.compile(b("a*".repeat(500) + "b"));
        assertThat(nasty.matches(b("a".repeat(65_536)))).isFalse(); // O(pattern x key), not exponential
    }
}
