package io.ostraka.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Holds {@link MemoryKvStore} to the {@link KvStoreContractTest} contract; also checks key rendering. */
class MemoryKvStoreTest extends KvStoreContractTest {
    @Override
    protected KvStore newStore() {
        return new MemoryKvStore();
    }

    @Test
    void displayRendersPrintableAndBinaryKeys() {
        assertThat(Bytes.display(TestBytes.b("abc"))).isEqualTo("\"abc\"");
        assertThat(Bytes.display(new byte[] {0, (byte) 0xab})).isEqualTo("0x00ab");
        assertThat(Bytes.display(null)).isEqualTo("null");
        assertThat(Bytes.display(new byte[100])).endsWith("...(100 bytes)");
    }
}
