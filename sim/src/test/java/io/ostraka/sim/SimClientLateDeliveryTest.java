package io.ostraka.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A request in flight must be the one that was sent, not whatever the client holds when it
 * arrives: a late copy of an old attempt is the case worth simulating (found by review; white-box,
 * through reflection, since the client's state is private).
 */
class SimClientLateDeliveryTest {

    private static void set(Object o, String name, Object value) throws Exception {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        f.set(o, value);
    }

    private static Object get(Object o, String name) throws Exception {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void aDelayedSendDeliversTheRequestThatWasSent() throws Exception {
        SimConfig config = SimConfig.draw(1, SimConfig.Overrides.NONE);
        Constructor<Simulation> ctor =
                Simulation.class.getDeclaredConstructor(SimConfig.class, PrintStream.class);
        ctor.setAccessible(true);
        Simulation sim = ctor.newInstance(config, null);
        SimNode node = new SimNode(1, sim, new SplittableRandom(1));
        set(node, "up", true);
        set(node, "paused", true); // holds what it receives, so we can look at it
        sim.nodes.put(1L, node);
        SimClient client = new SimClient(0, sim, new SplittableRandom(2));
        ClientRequest sentFirst =
                new ClientRequest(0, 0, null, "old-key", ClientRequest.ReadLevel.STALE, 0);
        set(client, "request", sentFirst);
        set(client, "active", true);
        set(client, "deadline", Long.MAX_VALUE);
        Method send = SimClient.class.getDeclaredMethod("send");
        send.setAccessible(true);
        send.invoke(client);
        ClientRequest sent = (ClientRequest) get(client, "request");

        // Before the message arrives the client moves on (a later attempt / a new operation).
        set(client, "request",
                new ClientRequest(0, 99, null, "new-key", ClientRequest.ReadLevel.STALE, 0));
        List<?> held = (List<?>) get(node, "heldWhilePaused");
        while (held.isEmpty()) {
            sim.scheduler.runUntil(sim.scheduler.now() + 1, () -> { });
        }

        Object delivery = held.get(0);
        ClientRequest delivered = null;
        for (Field f : delivery.getClass().getDeclaredFields()) {
            f.setAccessible(true);
            if (f.get(delivery) instanceof ClientRequest r) {
                delivered = r;
            }
        }
        assertThat(delivered).isEqualTo(sent);
    }
}
