package io.ostraka.raft;

/** What an entry's payload means to the core. */
public enum EntryType {
    /** Application data, opaque to the core; an empty payload is the leader's no-op of a new term. */
    NORMAL,
    /** An encoded {@link io.ostraka.raft.confchange.ConfChange}; takes effect when appended. */
    CONF_CHANGE
}
