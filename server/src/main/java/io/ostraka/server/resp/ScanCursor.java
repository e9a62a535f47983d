package io.ostraka.server.resp;

import io.ostraka.kv.KvLimits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SCAN cursors. Keys are ordered, so a cursor is simply the last key returned: the next page
 * starts just after it. Clients parse cursors as numbers (redis-py calls {@code int()} on it), so
 * the key is written as decimal digits only: {@code "1"} followed by each byte as three digits
 * ({@code 000}-{@code 255}). {@code "0"} starts a scan and ends one, as in Redis. Stateless (any
 * connection or node can continue a scan) and linear to encode and decode.
 */
final class ScanCursor {
    static final String START = "0";

    private ScanCursor() {}

    static String encode(byte[] lastKey) {
        StringBuilder s = new StringBuilder(1 + lastKey.length * 3).append('1');
        for (byte b : lastKey) {
            int v = b & 0xff;
            s.append((char) ('0' + v / 100)).append((char) ('0' + v / 10 % 10)).append((char) ('0' + v % 10));
        }
        return s.toString();
    }

    /**
     * The first key at or after which the next page starts ({@code ""} for the start cursor), or
     * {@code null} if {@code cursor} is not one this server wrote.
     */
    static byte[] resumeKey(byte[] cursor) {
        String text = new String(cursor, StandardCharsets.ISO_8859_1);
        if (text.equals(START)) {
            return new byte[0];
        }
        if (text.isEmpty() || text.charAt(0) != '1' || (text.length() - 1) % 3 != 0) {
            return null;
        }
        int n = (text.length() - 1) / 3;
        if (n > KvLimits.KEY_BYTES_MAX) {
            return null; // longer than any key: not a cursor this server wrote
        }
        byte[] key = new byte[n + 1]; // the last key followed by 0x00: its immediate successor
        for (int i = 0; i < n; i++) {
            int v = 0;
            for (int j = 0; j < 3; j++) {
                char c = text.charAt(1 + i * 3 + j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            key[i] = (byte) v;
        }
        return Arrays.copyOf(key, n + 1);
    }
}
