package io.ostraka.client;

/** When a put writes. */
public enum PutCondition {
    /** Always. */
    NONE,
    /** Only if the key does not exist (SET NX). */
    IF_ABSENT,
    /** Only if the key exists (SET XX). */
    IF_PRESENT
}
