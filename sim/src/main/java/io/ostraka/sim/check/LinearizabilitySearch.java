package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether the operations on one key are linearizable with respect to {@link KvModel}.
 *
 * <p>This is the Wing &amp; Gong search ("Testing and verifying concurrent objects", JPDC 1993)
 * in Lowe's just-in-time form ("Testing for linearizability", CCPE 2017), with the memoization
 * Porcupine (Athalye, github.com/anishathalye/porcupine) and Knossos (Kingsbury) use. The history
 * is a doubly linked list of call and return entries in real-time order. Walking it from the
 * front, at a call we try to linearize that operation next: if the model accepts its outputs, and
 * the pair (set of operations linearized so far, resulting state) has not been seen before, we
 * lift its call and return out of the list, push it, and restart from the front. Reaching a
 * return means an operation completed before we linearized it, so the last choice was wrong: pop
 * it, put its entries back, and try the next call after it. An empty stack there means no
 * linearization exists. The cache is sound because what remains possible depends only on which
 * operations are linearized and the model state, not on their order (Lowe §4).
 *
 * <p>Indeterminate operations never return: their return entries sit after every real one, in id
 * order. Reaching one means every determinate operation is linearized, and the indeterminate
 * operations still in the list are the ones that never took effect: success.
 *
 * <p>The caller splits the history by key first: linearizability is local (Herlihy &amp; Wing
 * 1990), and the KV model is P-compositional over keys (Horn &amp; Kroening, "Faster
 * linearizability checking via P-compositionality", FORTE 2015), so a history is linearizable iff
 * each key's sub-history is. Searches are deterministic: the cache is only ever queried, never
 * iterated.
 */
final class LinearizabilitySearch {
  private final List<Operation> ops;
  private final int count;
  // The linked list: entry i < count is the call of ops[i], entry count + i its return, and
  // entry 2 * count the head sentinel. -1 ends the list.
  private final int[] next;
  private final int[] previous;
  private final int head;

  private LinearizabilitySearch(List<Operation> ops) {
    this.ops = ops;
    this.count = ops.size();
    this.head = 2 * count;
    this.next = new int[2 * count + 1];
    this.previous = new int[2 * count + 1];
    link();
  }

  /** Searches for a linearization of {@code ops}, which must all be on one key. */
  static SearchResult run(List<Operation> ops) {
    return new LinearizabilitySearch(List.copyOf(ops)).search();
  }

  private void link() {
    Integer[] order = new Integer[2 * count];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(this::entryPosition));
    int last = head;
    for (int entry : order) {
      next[last] = entry;
      previous[entry] = last;
      last = entry;
    }
    next[last] = -1;
  }

  /** Where an entry falls in real time; returns of indeterminate operations come last. */
  private long entryPosition(int entry) {
    if (entry < count) {
      return ops.get(entry).invokeIndex();
    }
    Operation op = ops.get(entry - count);
    return op.isIndeterminate() ? (long) Integer.MAX_VALUE + entry : op.completeIndex();
  }

  private SearchResult search() {
    long[] linearized = new long[(count + 63) / 64];
    Set<CacheKey> seen = new HashSet<>();
    int[] stackCall = new int[count];
    KvState[] stackState = new KvState[count];
    int depth = 0;
    int[] longest = new int[0];
    KvState state = KvState.ABSENT;
    int entry = next[head];
    while (entry != -1) {
      if (entry < count) {
        KvState after = KvModel.step(state, ops.get(entry));
        if (after != null) {
          setBit(linearized, entry);
          if (seen.add(new CacheKey(linearized.clone(), after))) {
            stackCall[depth] = entry;
            stackState[depth] = state;
            depth++;
            if (depth > longest.length) {
              longest = Arrays.copyOf(stackCall, depth);
            }
            state = after;
            lift(entry);
            entry = next[head];
            continue;
          }
          clearBit(linearized, entry);
        }
        entry = next[entry];
      } else {
        if (ops.get(entry - count).isIndeterminate()) {
          break;
        }
        if (depth == 0) {
          return SearchResult.failure(operations(longest), seen.size());
        }
        depth--;
        int call = stackCall[depth];
        state = stackState[depth];
        clearBit(linearized, call);
        unlift(call);
        entry = next[call];
      }
    }
    return SearchResult.success(operations(Arrays.copyOf(stackCall, depth)), seen.size());
  }

  private List<Operation> operations(int[] calls) {
    List<Operation> order = new ArrayList<>(calls.length);
    for (int call : calls) {
      order.add(ops.get(call));
    }
    return order;
  }

  /** Removes the call entry and its return from the list. */
  private void lift(int call) {
    unlink(call);
    unlink(call + count);
  }

  /** Undoes {@link #lift}: entries are restored in the reverse order they were removed. */
  private void unlift(int call) {
    relink(call + count);
    relink(call);
  }

  private void unlink(int entry) {
    next[previous[entry]] = next[entry];
    if (next[entry] != -1) {
      previous[next[entry]] = previous[entry];
    }
  }

  private void relink(int entry) {
    next[previous[entry]] = entry;
    if (next[entry] != -1) {
      previous[next[entry]] = entry;
    }
  }

  private static void setBit(long[] bits, int i) {
    bits[i >>> 6] |= 1L << (i & 63);
  }

  private static void clearBit(long[] bits, int i) {
    bits[i >>> 6] &= ~(1L << (i & 63));
  }

  /** A visited configuration: which operations are linearized, and the state they lead to. */
  private record CacheKey(long[] linearized, KvState state) {
    @Override
    public boolean equals(Object other) {
      return other instanceof CacheKey key
          && state.equals(key.state) && Arrays.equals(linearized, key.linearized);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(linearized) * 31 + state.hashCode();
    }
  }
}
