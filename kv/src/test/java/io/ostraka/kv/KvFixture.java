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

    /** Lets {@code count} indexes pass (the runtime skips no-ops and membership entries). */
    void skipIndexes(long count) {
        index += count;
    }
}
