package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Entry;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both nodes accept frames up to frameBytesMax = 1 MiB (a valid config; batchBytesMax keeps its
 * 4 MiB default). Three 400 kB APPENDs, each well under the limit, queued while the stream
 * connects, are delivered: batches stay under the frame limit. (They used to be packed into one
 * 1.2 MB frame, which the receiver refused, resetting the whole stream with only "CANCELLED:
 * RST_STREAM" at the sender, and a retry built the same frame again.)
 */
class OversizeBatchTest {
    @TempDir
    Path root;

    private static Message append(long index) {
        return Message.builder(MessageType.APPEND).groupId(1).from(1).to(2).term(3).logTerm(3).index(index)
                .commit(index).entries(List.of(Entry.normal(3, index + 1, new byte[400_000]))).build();
    }

    @Test
    void messagesEachUnderTheFrameLimitDoNotBreakTheStream() throws Exception {
        List<String> disconnects = new CopyOnWriteArrayList<>();
        try (Nodes nodes = new Nodes(root)) {
            nodes.start(1, b -> b.frameBytesMax(1 << 20).snapshotChunkBytes(1 << 18)
                    .listener(new TransportListener() {
                        @Override
                        public void peerDisconnected(long peerId, String reason, long backoffMillis) {
                            disconnects.add(reason);
                        }
                    }));
            nodes.start(2, b -> b.frameBytesMax(1 << 20).snapshotChunkBytes(1 << 18));
            nodes.connectAll();

            List<Message> sent = List.of(append(10), append(11), append(12));
            nodes.transport(1).send(sent); // the stream is CONNECTING: all three are queued
            Await.until("delivery or a broken stream",
                    () -> nodes.inbound(2).received().size() == 3 || !disconnects.isEmpty());
            assertThat(disconnects).as("stream breaks").isEmpty();
            assertThat(nodes.inbound(2).received()).containsExactlyElementsOf(sent);
        }
    }
}
