package io.ostraka.server.resp;

import java.util.Arrays;

/**
 * Redis glob patterns ({@code KEYS}, {@code SCAN MATCH}) on bytes: {@code *}, {@code ?},
 * {@code [abc]}, {@code [^a-z]}, and {@code \} to escape. Matching is iterative with one
 * backtrack point for the last {@code *} (the classic wildcard algorithm), so it takes at most
 * O(pattern x key) steps and cannot blow up on patterns like {@code a*a*a*a*b}; patterns are
 * limited to {@link #PATTERN_BYTES_MAX} bytes.
 */
final class GlobPattern {
    static final int PATTERN_BYTES_MAX = 1024;

    private final byte[] pattern;

    private GlobPattern(byte[] pattern) {
        this.pattern = pattern;
    }

    /** The pattern, or {@code null} if it is longer than {@link #PATTERN_BYTES_MAX}. */
    static GlobPattern compile(byte[] pattern) {
        return pattern.length > PATTERN_BYTES_MAX ? null : new GlobPattern(pattern.clone());
    }

    boolean matchesAll() {
        return pattern.length == 1 && pattern[0] == '*';
    }

    /** The literal bytes every matching key starts with (up to the first special character). */
    byte[] literalPrefix() {
        int i = 0;
        while (i < pattern.length && !isSpecial(pattern[i])) {
            i++;
        }
        return Arrays.copyOf(pattern, i);
    }

    private static boolean isSpecial(byte b) {
        return b == '*' || b == '?' || b == '[' || b == '\\';
    }

    boolean matches(byte[] key) {
        int p = 0;
        int k = 0;
        int starP = -1;
        int starK = -1;
        while (k < key.length) {
            if (p < pattern.length && pattern[p] == '*') {
                starP = p++;
                starK = k;
                continue;
            }
            int next = p < pattern.length ? matchOne(p, key[k]) : -1;
            if (next >= 0) {
                p = next;
                k++;
            } else if (starP >= 0) {
                p = starP + 1;
                k = ++starK;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*') {
            p++;
        }
        return p == pattern.length;
    }

    /** If the pattern element at {@code p} (not '*') matches {@code b}: the next element's index, else -1. */
    private int matchOne(int p, byte b) {
        byte c = pattern[p];
        if (c == '?') {
            return p + 1;
        }
        if (c == '\\' && p + 1 < pattern.length) {
            return pattern[p + 1] == b ? p + 2 : -1;
        }
        if (c != '[') {
            return c == b ? p + 1 : -1;
        }
        int i = p + 1;
        boolean negate = i < pattern.length && pattern[i] == '^';
        if (negate) {
            i++;
        }
        boolean matched = false;
        int value = b & 0xff;
        while (i < pattern.length && pattern[i] != ']') {
            if (pattern[i] == '\\' && i + 1 < pattern.length) {
                matched |= (pattern[i + 1] & 0xff) == value;
                i += 2;
            } else if (i + 2 < pattern.length && pattern[i + 1] == '-') {
                // As in Redis, "x-" followed by anything, ']' included, is a range: [a-] is ']'..'a'.
                int low = pattern[i] & 0xff;
                int high = pattern[i + 2] & 0xff;
                matched |= value >= Math.min(low, high) && value <= Math.max(low, high);
                i += 3;
            } else {
                matched |= (pattern[i] & 0xff) == value;
                i++;
            }
        }
        // An unterminated class runs to the end of the pattern, as in Redis.
        int next = i < pattern.length ? i + 1 : i;
        return matched != negate ? next : -1;
    }
}
