package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStatus;
import io.ostraka.server.grpc.LocalKvService;
import org.junit.jupiter.api.Test;

/** Proves --max-value-bytes: a write with a value over it is refused before the log, in every op that carries one. */
class ValueLimitedKvServiceTest {
    private final LocalKvService store = new LocalKvService();
    private final ValueLimitedKvService limited = new ValueLimitedKvService(store, 100);

    private KvResult write(KvCommand command) {
        return limited.write(command).join().result();
    }

    @Test
    void valuesUpToTheLimitPassAndLargerOnesAreRefusedWithTheSetting() {
        assertThat(write(KvCommand.put(new byte[] {'k'}, new byte[100])).isOk()).isTrue();
        KvResult refused = write(KvCommand.put(new byte[] {'k'}, new byte[101]));
        assertThat(refused.status()).isEqualTo(KvStatus.INVALID_REQUEST);
        assertThat(refused.reason()).isEqualTo("value of 101 bytes exceeds the maximum 100 (max-value-bytes)");
        assertThat(write(KvCommand.compareAndSet(new byte[] {'k'}, 1, new byte[101])).status())
                .isEqualTo(KvStatus.INVALID_REQUEST);
        assertThat(write(KvCommand.batch(new KvOp.Get(new byte[] {'k'}),
                new KvOp.Put(new byte[] {'j'}, new byte[101], KvOp.PutCondition.ALWAYS, false))).status())
                .isEqualTo(KvStatus.INVALID_REQUEST);
        assertThat(store.writes()).hasSize(1);
        assertThat(write(KvCommand.delete(new byte[] {'k'})).isOk()).isTrue();
    }
}
