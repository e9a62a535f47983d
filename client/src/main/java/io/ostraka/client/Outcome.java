package io.ostraka.client;

/** The expected outcome of one operation, as the server reports it in a response. */
public enum Outcome {
    OK,
    /** A get of an absent key. */
    NOT_FOUND,
    /** A put condition or compare-and-set version did not hold; nothing was written. */
    CONDITION_FAILED,
    /** An increment of a value that is not a decimal 64-bit integer. */
    WRONG_TYPE,
    /** An increment that would leave the signed 64-bit range. */
    OVERFLOW
}
