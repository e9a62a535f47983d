package io.ostraka.kv;

import java.util.Arrays;
import java.util.Comparator;

/** Byte-string helpers: the key order of the store, and a readable rendering for error messages. */
public final class Bytes {
    private Bytes() {}

    /**
     * The order of keys: lexicographic on unsigned bytes, a proper prefix first. The same order as
     * RocksDB's default {@code BytewiseComparator}, so both stores scan identically.
     */
    public static final Comparator<byte[]> UNSIGNED_LEXICOGRAPHIC = Arrays::compareUnsigned;

    /** {@code a < b} in key order. */
    public static boolean less(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) < 0;
    }

    /** UTF-8 free rendering: printable ASCII in quotes, anything else as hex; long strings cut. */
    public static String display(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        int shownMax = 64;
        int shown = Math.min(bytes.length, shownMax);
        boolean printable = true;
        for (int i = 0; i < shown; i++) {
            if (bytes[i] < 0x20 || bytes[i] > 0x7e || bytes[i] == '"' || bytes[i] == '\\') {
                printable = false;
                break;
            }
        }
        StringBuilder out = new StringBuilder(shown * 2 + 16);
        if (printable) {
            out.append('"');
            for (int i = 0; i < shown; i++) {
                out.append((char) bytes[i]);
            }
            out.append('"');
        } else {
            out.append("0x");
            for (int i = 0; i < shown; i++) {
                out.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16));
                out.append(Character.forDigit(bytes[i] & 0xf, 16));
            }
        }
        if (bytes.length > shown) {
            out.append("...(").append(bytes.length).append(" bytes)");
        }
        return out.toString();
    }
}
