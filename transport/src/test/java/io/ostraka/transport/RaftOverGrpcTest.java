package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.node.Inbound;
import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.MemoryLog;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.ProposeResult;
import io.ostraka.raft.RaftConfig;
import io.ostraka.raft.RaftCore;
import io.ostraka.raft.Ready;
import io.ostraka.raft.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003's acceptance test for the transport: three real {@link RaftCore}s, each driven by a
 * minimal single-threaded loop (docs/raft.md, "Driving a core"), talk only through
 * {@link GrpcTransport} over loopback. Pre-vote/RequestVote and AppendEntries flow, a leader is
 * elected, and a proposal commits and is applied on every node.
 */
class RaftOverGrpcTest {
    private static final long GROUP = 42;
    private static final List<Long> VOTERS = List.of(1L, 2L, 3L);

    @TempDir
    Path root;

    private final List<Driver> drivers = new ArrayList<>();

    /** One node: its core, its log, one thread that owns both, and its transport. */
    static final class Driver implements Inbound {
        final long id;
        final MemoryLog log = new MemoryLog();
        final RaftCore core;
        final ScheduledThreadPoolExecutor loop;
        final GrpcTransport transport;
        final Set<MessageType> typesReceived = ConcurrentHashMap.newKeySet();
        final List<String> applied = new ArrayList<>(); // guarded by itself
        volatile Role role = Role.FOLLOWER;
        volatile long leader;

        Driver(long id, Path root) throws Exception {
            this.id = id;
            RaftCore.bootstrap(log, VOTERS);
            this.core = new RaftCore(RaftConfig.builder(id, GROUP).electionTimeoutTicks(10).heartbeatTicks(1).build(),
                    log, new SplittableRandom(id * 7919));
            this.loop = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("raft-loop-" + id));
            this.transport = new GrpcTransport(Nodes.config(id, root).build());
            transport.start(this);
        }

        void startTicking() {
            loop.scheduleAtFixedRate(() -> {
                core.tick();
                handleReady();
            }, 20, 20, TimeUnit.MILLISECONDS);
        }

        @Override
        public void receive(List<Message> messages) {
            loop.execute(() -> {
                for (Message m : messages) {
                    typesReceived.add(m.type());
                    core.step(m);
                }
                handleReady();
            });
        }

        @Override
        public void reportUnreachable(long groupId, long peerId) {
            loop.execute(() -> core.reportUnreachable(peerId));
        }

        @Override
        public void reportSnapshot(long groupId, long peerId, boolean delivered) {
            loop.execute(() -> core.reportSnapshot(peerId, delivered));
        }

        ProposeResult propose(String command) throws Exception {
            AtomicReference<ProposeResult> result = new AtomicReference<>();
            loop.submit(() -> {
                result.set(core.propose(command.getBytes(StandardCharsets.UTF_8)));
                handleReady();
            }).get(20, TimeUnit.SECONDS);
            return result.get();
        }

        /** The Ready loop of docs/raft.md, with an in-memory log (so "durable" is immediate). */
        private void handleReady() {
            while (core.hasReady()) {
                Ready rd = core.ready();
                if (rd.snapshot() != null) {
                    log.installSnapshot(rd.snapshot());
                }
                if (!rd.entries().isEmpty()) {
                    log.append(rd.entries());
                }
                if (rd.hardState() != null) {
                    log.setHardState(rd.hardState());
                }
                List<Message> messages = new ArrayList<>();
                for (Message m : rd.messages()) {
                    if (m.type() == MessageType.SNAPSHOT) {
                        transport.sendSnapshot(m);
                    } else {
                        messages.add(m);
                    }
                }
                transport.send(messages);
                synchronized (applied) {
                    for (Entry e : rd.committedEntries()) {
                        if (e.type() == EntryType.NORMAL && e.data().length > 0) {
                            applied.add(new String(e.data(), StandardCharsets.UTF_8));
                        }
                    }
                }
                core.advance(rd);
                role = core.role();
                leader = core.leader();
            }
        }

        List<String> applied() {
            synchronized (applied) {
                return List.copyOf(applied);
            }
        }

        void close() {
            transport.close(); // first: no more deliveries into the loop
            loop.shutdownNow();
        }
    }

    @AfterEach
    void closeAll() {
        drivers.forEach(Driver::close);
    }

    @Test
    void leaderIsElectedAndAProposalCommitsOnEveryNode() throws Exception {
        for (long id : VOTERS) {
            drivers.add(new Driver(id, root));
        }
        for (Driver a : drivers) {
            for (Driver b : drivers) {
                if (a != b) {
                    a.transport.setPeerAddress(b.id, "127.0.0.1:" + b.transport.port());
                }
            }
        }
        drivers.forEach(Driver::startTicking);

        Await.until("one leader that every node follows", () -> {
            long leaders = drivers.stream().filter(d -> d.role == Role.LEADER).count();
            long agreed = drivers.stream().map(d -> d.leader).distinct().count();
            return leaders == 1 && agreed == 1 && drivers.get(0).leader != 0;
        });
        Driver leader = drivers.stream().filter(d -> d.role == Role.LEADER).findFirst().orElseThrow();

        ProposeResult result = leader.propose("set greeting hello");
        assertThat(result.isAccepted()).as(result.toString()).isTrue();
        Await.until("the proposal applied on all nodes",
                () -> drivers.stream().allMatch(d -> d.applied().contains("set greeting hello")));

        EnumSet<MessageType> seen = EnumSet.noneOf(MessageType.class);
        drivers.forEach(d -> seen.addAll(d.typesReceived));
        assertThat(seen).contains(MessageType.VOTE, MessageType.VOTE_RESPONSE, MessageType.APPEND,
                MessageType.APPEND_RESPONSE);
        for (Driver d : drivers) {
            assertThat(d.transport.metrics().messagesSent()).isPositive();
            assertThat(d.transport.metrics().messagesReceived()).isPositive();
        }
    }
}
