package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel setPeerAddress builds while close() runs is shut down too (close() used to miss it:
 * setPeerAddress checked {@code closed} only before building). The build is held open by a
 * security hook (newChannel calls channelCredentials()), so the interleaving is deterministic.
 */
class SetPeerAddressCloseLeakTest {
    @TempDir
    Path root;

    private final AtomicBoolean gate = new AtomicBoolean();
    private final CountDownLatch building = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private final TransportSecurity gated = new TransportSecurity() {
        @Override
        public ServerCredentials serverCredentials() {
            return TransportSecurity.plaintext().serverCredentials();
        }

        @Override
        public ChannelCredentials channelCredentials() {
            if (gate.get()) {
                building.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return InsecureChannelCredentials.create();
        }
    };

    private GrpcTransport transport() throws Exception {
        GrpcTransport t = new GrpcTransport(Nodes.config(1, root).security(gated).build());
        t.start(new RecordingInbound());
        return t;
    }

    @Test
    void aPeerAddedDuringCloseLeavesNoOpenChannel() throws Exception {
        GrpcTransport t = transport();
        gate.set(true);
        Thread setter = new Thread(() -> t.setPeerAddress(2, "127.0.0.1:1"));
        setter.start();
        assertThat(building.await(10, TimeUnit.SECONDS)).isTrue(); // past the closed check
        t.close();
        release.countDown();
        setter.join(10_000);
        assertThat(channelOf(t, 2).isShutdown()).as("channel to node 2 created during close() is shut down").isTrue();
    }

    @Test
    void anAddressChangedDuringCloseLeavesNoOpenChannel() throws Exception {
        GrpcTransport t = transport();
        t.setPeerAddress(2, "127.0.0.1:1");
        gate.set(true);
        Thread setter = new Thread(() -> t.setPeerAddress(2, "127.0.0.1:2"));
        setter.start();
        assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
        t.close(); // shuts the old channel down
        release.countDown();
        setter.join(10_000);
        assertThat(channelOf(t, 2).isShutdown()).as("channel to node 2's new address is shut down").isTrue();
    }

    private static ManagedChannel channelOf(GrpcTransport t, long nodeId) throws Exception {
        Field peers = GrpcTransport.class.getDeclaredField("peers");
        peers.setAccessible(true);
        Object peer = ((Map<?, ?>) peers.get(t)).get(nodeId);
        assertThat(peer).as("peer " + nodeId + " registered").isNotNull();
        Field channel = peer.getClass().getDeclaredField("channel");
        channel.setAccessible(true);
        return (ManagedChannel) channel.get(peer);
    }
}
