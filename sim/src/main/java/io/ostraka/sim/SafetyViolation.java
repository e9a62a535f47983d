package io.ostraka.sim;

/** A safety property failed: the run stops and reports it with its seed. */
final class SafetyViolation extends RuntimeException {
    final String property;

    SafetyViolation(String property, String detail) {
        super(property + ": " + detail);
        this.property = property;
    }
}
