package io.ostraka.server.resp;

/** Integer arguments, parsed as strictly as Redis's {@code string2ll}. */
final class RespNumbers {
    private RespNumbers() {}

    /**
     * A canonical signed 64-bit decimal: optional '-', digits, no '+', no spaces, no leading
     * zeros, no "-0". {@code null} otherwise.
     */
    static Long parseLong(byte[] text) {
        int n = text.length;
        if (n == 0 || n > 20) {
            return null;
        }
        boolean negative = text[0] == '-';
        int start = negative ? 1 : 0;
        if (start == n || (text[start] == '0' && (n - start > 1 || negative))) {
            return null;
        }
        for (int i = start; i < n; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(new String(text, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) { // out of range
            return null;
        }
    }
}
