package io.ostraka.log;

import io.ostraka.raft.LogStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LogView/LogStore contract against the engine's {@link GroupLog}: with the default cache,
 * with no cache at all (every read from disk), and across a close and reopen of the engine.
 */
class GroupLogContractTest {
    abstract static class EngineContract extends LogStoreContractTest {
        @TempDir
        Path directory;
        final List<LogEngine> engines = new ArrayList<>();

        abstract LogEngineConfig config(Path directory);

        LogEngine open() throws Exception {
            LogEngine engine = LogEngine.open(config(directory));
            engines.add(engine);
            return engine;
        }

        @Override
        LogStore store() throws Exception {
            return open().group(7);
        }

        @AfterEach
        void closeEngines() throws Exception {
            for (LogEngine engine : engines) {
                engine.close();
            }
        }
    }

    @Nested
    class WithCache extends EngineContract {
        @Override
        LogEngineConfig config(Path dir) {
            return TestEngines.small(dir);
        }
    }

    @Nested
    class WithoutCache extends EngineContract {
        @Override
        LogEngineConfig config(Path dir) {
            return TestEngines.small(dir).withCacheBytesMax(0);
        }
    }

    @Nested
    class AcrossRestart extends EngineContract {
        @Override
        LogEngineConfig config(Path dir) {
            return TestEngines.small(dir);
        }

        @Override
        LogStore reopened(LogStore store) throws Exception {
            engines.remove(engines.size() - 1).close();
            return open().group(7);
        }
    }
}
