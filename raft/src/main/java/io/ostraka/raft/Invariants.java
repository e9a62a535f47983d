package io.ostraka.raft;

import java.util.Locale;

/**
 * Always-on assertions. Unlike the {@code assert} keyword these cannot be switched off: a Raft
 * node that has broken one of its invariants must stop rather than replicate the damage.
 */
public final class Invariants {
    private Invariants() {}

    /** Throws {@link InvariantViolation} with a formatted message when {@code condition} is false. */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new InvariantViolation(String.format(Locale.ROOT, format, args));
        }
    }

    /** A broken safety invariant: a programming error, never an operational condition. */
    public static final class InvariantViolation extends IllegalStateException {
        public InvariantViolation(String message) {
            super(message);
        }
    }
}
