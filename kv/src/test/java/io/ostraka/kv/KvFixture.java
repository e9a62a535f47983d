package io.ostraka.kv;

/** A state machine with its own log-index counter, so a test reads as a sequence of commands. */
class KvFixture {
    final KvStateMachine machine;
    long index;

    KvFixture() {
        this(KvConfig.DEFAULT);
    }

    KvFixture(KvConfig config) {
        this.machine = KvStateMachine.inMemory(config);
    }

    /** Applies {@code command} at the next index. */
    KvResult apply(KvCommand command) {
        index++;
        return machine.apply(index, command);
    }

    /** Opens an exactly-once session at the next index and returns its id (that index). */
    long openSession() {
        KvResult opened = apply(KvCommand.openSession());
        if (!opened.isOk()) {
            throw new AssertionError("OPEN_SESSION failed: " + opened);
        }
        return opened.integer();
    }

    /** Lets {@code count} indexes pass (the runtime skips no-ops and membership entries). */
    void skipIndexes(long count) {
        index += count;
    }
}
