package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.SnapshotMetadata;
import io.ostraka.transport.proto.RaftMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the wire form mirrors {@link Message} exactly (every type, entries of both types,
 * snapshot metadata with a joint configuration, negative contexts), and that malformed input —
 * unknown enums, missing required fields, out-of-range numbers, random bytes — is a
 * {@link CodecException} (or a protobuf parse error), never an unchecked crash.
 */
class CodecTest {
    @ParameterizedTest
    @EnumSource(MessageType.class)
    void everyTypeRoundTrips(MessageType type) throws Exception {
        Message m = Msgs.ofType(type, 17);
        RaftMessage wire = RaftMessage.parseFrom(Codec.encode(m).toByteArray());
        assertThat(Codec.decode(wire)).isEqualTo(m);
    }

    @Test
    void jointConfStateSurvivesExactly() throws Exception {
        Message m = Msgs.ofType(MessageType.SNAPSHOT, 3);
        ConfState conf = Codec.decode(Codec.encode(m)).snapshot().conf();
        assertThat(conf.voters()).containsExactly(1L, 2L, 4L);
        assertThat(conf.votersOutgoing()).containsExactly(1L, 2L, 3L);
        assertThat(conf.learners()).containsExactly(5L);
        assertThat(conf.learnersNext()).containsExactly(3L);
        assertThat(conf.autoLeave()).isTrue();
    }

    @Test
    void unspecifiedOrUnknownMessageTypeIsRefused() {
        RaftMessage unspecified = Codec.encode(Msgs.ofType(MessageType.VOTE, 1)).toBuilder()
                .setTypeValue(0).build();
        assertThatThrownBy(() -> Codec.decode(unspecified)).isInstanceOf(CodecException.class)
                .hasMessageContaining("unknown type 0");
        RaftMessage unknown = Codec.encode(Msgs.ofType(MessageType.VOTE, 1)).toBuilder().setTypeValue(99).build();
        assertThatThrownBy(() -> Codec.decode(unknown)).isInstanceOf(CodecException.class)
                .hasMessageContaining("unknown type 99");
    }

    @Test
    void unknownEntryTypeIsRefused() {
        RaftMessage m = Codec.encode(Msgs.ofType(MessageType.APPEND, 1));
        RaftMessage bad = m.toBuilder().setEntries(1, m.getEntries(1).toBuilder().setTypeValue(7)).build();
        assertThatThrownBy(() -> Codec.decode(bad)).isInstanceOf(CodecException.class)
                .hasMessageContaining("entry 43 has unknown type 7");
    }

    @Test
    void snapshotWithoutMetadataOrConfIsRefused() {
        RaftMessage m = Codec.encode(Msgs.ofType(MessageType.SNAPSHOT, 1));
        assertThatThrownBy(() -> Codec.decode(m.toBuilder().clearSnapshot().build()))
                .isInstanceOf(CodecException.class).hasMessageContaining("without snapshot metadata");
        RaftMessage noConf = m.toBuilder().setSnapshot(m.getSnapshot().toBuilder().clearConf()).build();
        assertThatThrownBy(() -> Codec.decode(noConf)).isInstanceOf(CodecException.class)
                .hasMessageContaining("without conf");
    }

    @Test
    void valuesTheRaftTypesRefuseBecomeCodecErrors() {
        RaftMessage m = Codec.encode(Msgs.ofType(MessageType.SNAPSHOT, 1));
        RaftMessage overflow = m.toBuilder().setTerm(-1L).build(); // uint64 max on the wire
        assertThatThrownBy(() -> Codec.decode(overflow)).isInstanceOf(CodecException.class)
                .hasMessageContaining("term out of range: 18446744073709551615");
        RaftMessage learnerVoter = m.toBuilder().setSnapshot(m.getSnapshot().toBuilder()
                .setConf(m.getSnapshot().getConf().toBuilder().addLearners(1))).build();
        assertThatThrownBy(() -> Codec.decode(learnerVoter)).isInstanceOf(CodecException.class)
                .hasMessageContaining("both a learner and a voter");
        RaftMessage zeroNode = m.toBuilder().setSnapshot(m.getSnapshot().toBuilder()
                .setConf(m.getSnapshot().getConf().toBuilder().addVoters(0))).build();
        assertThatThrownBy(() -> Codec.decode(zeroNode)).isInstanceOf(CodecException.class)
                .hasMessageContaining("node id 0");
        RaftMessage indexWithoutTerm = m.toBuilder().setSnapshot(m.getSnapshot().toBuilder().setTerm(0)).build();
        assertThatThrownBy(() -> Codec.decode(indexWithoutTerm)).isInstanceOf(CodecException.class);
    }

    @Property(tries = 200)
    void randomBytesNeverCrashTheDecoder(@ForAll byte[] bytes) {
        RaftMessage parsed;
        try {
            parsed = RaftMessage.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return; // refused by protobuf: fine
        }
        try {
            assertThat(Codec.decode(parsed)).isNotNull();
        } catch (CodecException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void randomMessagesRoundTrip(@ForAll("messages") Message m) throws Exception {
        assertThat(Codec.decode(RaftMessage.parseFrom(Codec.encode(m).toByteArray()))).isEqualTo(m);
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<Long> nonNegative = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<List<Entry>> entries = Combinators.combine(
                        Arbitraries.longs().between(0, 1L << 40), Arbitraries.longs().between(0, 1L << 40),
                        Arbitraries.of(EntryType.class), Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                .as(Entry::new).list().ofMaxSize(5);
        Arbitrary<SnapshotMetadata> snapshots = Combinators.combine(
                Arbitraries.longs().between(1, 1L << 40), Arbitraries.longs().between(1, 1L << 40),
                Arbitraries.longs().between(1, 9).set().ofMaxSize(5),
                Arbitraries.longs().between(10, 12).set().ofMaxSize(2),
                Arbitraries.longs().between(1, 9).set().ofMaxSize(3),
                Arbitraries.of(true, false)).as((index, term, voters, learners, outgoing, autoLeave) -> {
                    Set<Long> next = new TreeSet<>();
                    if (!outgoing.isEmpty()) {
                        next.add(20L);
                    }
                    return new SnapshotMetadata(index, term, new ConfState(voters, learners, outgoing, next, autoLeave));
                });
        return Combinators.combine(Arbitraries.of(MessageType.class), nonNegative, nonNegative, nonNegative,
                        nonNegative, entries, snapshots, Arbitraries.longs())
                .as((type, group, term, index, commit, es, snapshot, context) -> {
                    Message.Builder b = Message.builder(type).groupId(group).from(1 + group % 7).to(2)
                            .term(term).logTerm(term / 2).index(index).commit(commit).entries(new ArrayList<>(es))
                            .reject(context % 2 == 0).rejectHint(index / 3).context(context);
                    if (type == MessageType.SNAPSHOT || context % 3 == 0) {
                        b.snapshot(snapshot);
                    }
                    return b.build();
                });
    }
}
