package io.ostraka.log.segment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Record framing: round trip, every single-bit flip detected, zeros read as the end. */
class RecordFormatTest {
    @Property(tries = 200)
    void aWrittenRecordParsesBackExactly(@ForAll @Size(max = 600) byte[] payload, @ForAll long writeSeq,
                                         @ForAll long groupId, @ForAll boolean last) {
        ByteBuffer buffer = ByteBuffer.allocate(RecordFormat.HEADER_BYTES + payload.length + 8);
        RecordFormat.write(buffer, RecordType.ENTRIES, last, writeSeq, groupId, payload);
        RecordFormat.RecordHeader header = new RecordFormat.RecordHeader();
        assertThat(RecordFormat.parse(buffer, 0, buffer.capacity(), header)).isEqualTo(RecordFormat.Outcome.VALID);
        assertThat(header.type).isEqualTo(RecordType.ENTRIES);
        assertThat(header.writeSeq).isEqualTo(writeSeq);
        assertThat(header.groupId).isEqualTo(groupId);
        assertThat(header.lastInWrite()).isEqualTo(last);
        assertThat(header.endOffset()).isEqualTo(RecordFormat.HEADER_BYTES + payload.length);
        byte[] back = new byte[payload.length];
        buffer.get(header.payloadOffset(), back);
        assertThat(back).isEqualTo(payload);
    }

    @Property(tries = 300)
    void anySingleBitFlipIsDetected(@ForAll @Size(min = 1, max = 200) byte[] payload,
                                    @ForAll @IntRange(min = 0, max = 10_000) int where) {
        ByteBuffer buffer = ByteBuffer.allocate(RecordFormat.HEADER_BYTES + payload.length);
        RecordFormat.write(buffer, RecordType.HARD_STATE, true, 9, 3, payload);
        int bit = where % (buffer.capacity() * 8);
        buffer.put(bit / 8, (byte) (buffer.get(bit / 8) ^ (1 << (bit % 8))));
        assertThat(RecordFormat.parse(buffer, 0, buffer.capacity(), new RecordFormat.RecordHeader()))
                .isNotEqualTo(RecordFormat.Outcome.VALID);
    }

    @Test
    void zerosAreTheEndAndAShortTailIsDamaged() {
        ByteBuffer zeros = ByteBuffer.allocate(100);
        assertThat(RecordFormat.parse(zeros, 0, 100, new RecordFormat.RecordHeader())).isEqualTo(RecordFormat.Outcome.END);
        assertThat(RecordFormat.parse(zeros, 90, 100, new RecordFormat.RecordHeader())).isEqualTo(RecordFormat.Outcome.END);
        zeros.put(95, (byte) 1);
        assertThat(RecordFormat.parse(zeros, 90, 100, new RecordFormat.RecordHeader())).isEqualTo(RecordFormat.Outcome.DAMAGED);
    }

    @Test
    void aLengthPastTheLimitIsDamagedNotAnException() {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        RecordFormat.write(buffer, RecordType.ENTRIES, true, 1, 1, new byte[10]);
        buffer.putInt(8, Integer.MAX_VALUE);
        assertThat(RecordFormat.parse(buffer, 0, 64, new RecordFormat.RecordHeader())).isEqualTo(RecordFormat.Outcome.DAMAGED);
    }
}
