package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;

/** A stale read that broke the session rule of {@link StaleReadChecker}. */
public record StaleReadViolation(Operation read, String problem) {}
