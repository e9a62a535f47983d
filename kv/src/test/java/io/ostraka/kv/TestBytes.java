package io.ostraka.kv;

import java.nio.charset.StandardCharsets;

/** Test shorthand for byte strings. */
final class TestBytes {
    private TestBytes() {}

    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
