package io.ostraka.client;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** One point operation of an atomic {@link AsyncOstrakaClient#batch batch}. Arrays are not copied. */
public sealed interface Op {
    record Put(byte[] key, byte[] value, PutCondition condition, boolean returnPrevious) implements Op {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(condition, "condition");
        }
    }

    record Get(byte[] key) implements Op {
        public Get {
            Objects.requireNonNull(key, "key");
        }
    }

    record Delete(List<byte[]> keys) implements Op {
        public Delete {
            keys = List.copyOf(keys);
        }
    }

    record CompareAndSet(byte[] key, long expectedVersion, byte[] value) implements Op {
        public CompareAndSet {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    record Increment(byte[] key, long delta) implements Op {
        public Increment {
            Objects.requireNonNull(key, "key");
        }
    }

    static Op put(byte[] key, byte[] value) {
        return new Put(key, value, PutCondition.NONE, false);
    }

    static Op put(byte[] key, byte[] value, PutCondition condition, boolean returnPrevious) {
        return new Put(key, value, condition, returnPrevious);
    }

    static Op get(byte[] key) {
        return new Get(key);
    }

    static Op delete(byte[]... keys) {
        return new Delete(Arrays.asList(keys));
    }

    static Op compareAndSet(byte[] key, long expectedVersion, byte[] value) {
        return new CompareAndSet(key, expectedVersion, value);
    }

    static Op increment(byte[] key, long delta) {
        return new Increment(key, delta);
    }
}
