package io.ostraka.kv;

import java.nio.charset.StandardCharsets;

/**
 * Counters are stored as decimal ASCII, like Redis, so that GET shows them and any client can SET
 * one. Parsing is as strict as Redis's {@code string2ll}: an optional '-', then digits without
 * leading zeros or spaces or '+', no "-0", within the signed 64-bit range.
 */
final class DecimalInteger {
    private DecimalInteger() {}

    /** The value of {@code text}, or {@code null} when it is not a canonical decimal int64. */
    static Long parse(byte[] text) {
        int length = text.length;
        if (length == 0 || length > 20) {
            return null;
        }
        boolean negative = text[0] == '-';
        int first = negative ? 1 : 0;
        if (first == length) {
            return null;
        }
        if (text[first] == '0' && (length - first > 1 || negative)) {
            return null;
        }
        // Accumulate negatively: -9223372036854775808 has no positive counterpart.
        long result = 0;
        for (int i = first; i < length; i++) {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9) {
                return null;
            }
            if (result < (Long.MIN_VALUE + digit) / 10) {
                return null;
            }
            result = result * 10 - digit;
        }
        if (negative) {
            return result;
        }
        return result == Long.MIN_VALUE ? null : -result;
    }

    /** Whether {@code text} is all digits with an optional sign, i.e. an integer too big for 64 bits. */
    static boolean looksNumeric(byte[] text) {
        int first = text.length > 0 && text[0] == '-' ? 1 : 0;
        if (first == text.length) {
            return false;
        }
        for (int i = first; i < text.length; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return false;
            }
        }
        return true;
    }

    static byte[] format(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
