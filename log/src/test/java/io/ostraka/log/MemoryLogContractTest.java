package io.ostraka.log;

import io.ostraka.raft.LogStore;
import io.ostraka.raft.MemoryLog;

/** The LogView/LogStore contract against the core's in-memory {@link MemoryLog}. */
class MemoryLogContractTest extends LogStoreContractTest {
    @Override
    LogStore store() {
        return new MemoryLog();
    }
}
