package io.ostraka.sim.check;

import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * <p>Indeterminate operations never return, so they may be linearized at any point after their
 * invocation, or never. They live in a second list, by invocation, and are tried only when the
 * walk is stuck at a return: every indeterminate call invoked before that return is then a
 * candidate. Indeterminate operations with the same effect are interchangeable, so only the
 * earliest not yet placed of each {@link #effectClass} is tried (symmetry reduction): two puts of
 * values no read returns, two deletes, two such cas with one expected version. Without this, a
 * stuck point that no indeterminate operation can resolve explored every subset of them — 5
 * million configurations and 70 s on one key with 8,500 operations, 170 of them indeterminate.
 * An indeterminate operation that would change nothing (a cas finding another version, a delete
 * of an absent key) is not placed either: leaving it unplaced, and available later, is at least
 * as good. The history is linearizable when every determinate operation is placed.
 *
 * <p>Two more reductions keep the cache small. Values no read returned are stored as one {@link
 * KvState#UNREAD_VALUE}, so states that no operation can tell apart are equal. And the cache
 * ({@link Visited}) skips a configuration subsumed by a visited one: same determinate operations,
 * same state, no more indeterminate operations placed in any class.
 *
 * <p>The caller splits the history by key first: linearizability is local (Herlihy &amp; Wing
 * 1990), and the KV model is P-compositional over keys (Horn &amp; Kroening, "Faster
 * linearizability checking via P-compositionality", FORTE 2015), so a history is linearizable iff
 * each key's sub-history is. Searches are deterministic: the cache is only ever queried, never
 * iterated.
 */
final class LinearizabilitySearch {
  private static final int NONE = -1;

  private final List<Operation> ops;
  private final int count;
  // ops[0, determinateCount) are determinate, in invocation order; the rest indeterminate.
  private final int determinateCount;
  // The main list holds the determinate operations: entry i < count is the call of ops[i],
  // entry count + i its return, entry 2 * count the head. NONE ends the list.
  private final int[] next;
  private final int[] previous;
  private final int head;
  // The list of indeterminate operations' calls, by invocation: entry i is ops[i]'s call,
  // entry count the head.
  private final int[] infoNext;
  private final int[] infoPrevious;
  private final int infoHead;
  // Symmetry reduction: the effect class of each indeterminate operation, its rank among the
  // class's members by invocation, and how many members are placed. Invariant: the placed members
  // of a class are exactly its first placedInClass[class] members.
  private final int[] classOf;
  private final int[] rankInClass;
  private final int[] placedInClass;
  // Whether ops[i] writes a value no read returned (its states then hold UNREAD_VALUE).
  private final boolean[] writesUnreadValue;

  private LinearizabilitySearch(List<Operation> ops, int determinateCount) {
    this.ops = ops;
    this.count = ops.size();
    this.determinateCount = determinateCount;
    this.head = 2 * count;
    this.next = new int[2 * count + 1];
    this.previous = new int[2 * count + 1];
    this.infoHead = count;
    this.infoNext = new int[count + 1];
    this.infoPrevious = new int[count + 1];
    this.classOf = new int[count];
    this.rankInClass = new int[count];
    this.writesUnreadValue = new boolean[count];
    link();
    this.placedInClass = classify();
  }

  /** Groups indeterminate operations by effect; returns a zeroed counter per class. */
  private int[] classify() {
    Set<String> valuesRead = new TreeSet<>();
    for (Operation op : ops) {
      if (op.f().isRead() && op.isOk() && op.readValue() != null) {
        valuesRead.add(op.readValue());
      }
    }
    for (int i = 0; i < count; i++) {
      String value = ops.get(i).value();
      writesUnreadValue[i] = value != null && !valuesRead.contains(value);
    }
    Map<String, Integer> classes = new TreeMap<>();
    List<Integer> members = new ArrayList<>();
    for (int i = infoNext[infoHead]; i != NONE; i = infoNext[i]) {
      String effect = effectClass(ops.get(i), valuesRead);
      Integer known = classes.get(effect);
      int id = known == null ? classes.size() : known;
      if (known == null) {
        classes.put(effect, id);
        members.add(0);
      }
      classOf[i] = id;
      rankInClass[i] = members.get(id);
      members.set(id, rankInClass[i] + 1);
    }
    return new int[classes.size()];
  }

  /**
   * Operations with equal classes change the state alike: the value they write matters only if
   * some read returned it (no read can tell apart two values none returned).
   */
  static String effectClass(Operation op, Set<String> valuesRead) {
    String written = op.value() == null || !valuesRead.contains(op.value())
        ? "unread" : "=" + op.value();
    return switch (op.f()) {
      case GET -> "get#" + op.id(); // never searched as indeterminate, but stay distinct
      case PUT -> "put " + written;
      case DELETE -> "delete";
      case CAS -> "cas " + op.expectedVersion() + " " + written;
    };
  }

  /** Searches for a linearization of {@code ops}, which must all be on one key. */
  static SearchResult run(List<Operation> ops) {
    List<Operation> determinateFirst = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      if (!op.isIndeterminate()) {
        determinateFirst.add(op);
      }
    }
    int determinateCount = determinateFirst.size();
    for (Operation op : ops) {
      if (op.isIndeterminate()) {
        determinateFirst.add(op);
      }
    }
    return new LinearizabilitySearch(determinateFirst, determinateCount).search();
  }

  private void link() {
    List<Integer> main = new ArrayList<>();
    List<Integer> info = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (ops.get(i).isIndeterminate()) {
        info.add(i);
      } else {
        main.add(i);
        main.add(count + i);
      }
    }
    main.sort(Comparator.comparingInt(this::entryPosition));
    info.sort(Comparator.comparingInt(this::entryPosition));
    chain(main, head, next, previous);
    chain(info, infoHead, infoNext, infoPrevious);
  }

  private static void chain(List<Integer> entries, int listHead, int[] forward, int[] backward) {
    int last = listHead;
    for (int entry : entries) {
      forward[last] = entry;
      backward[entry] = last;
      last = entry;
    }
    forward[last] = NONE;
  }

  /** Where an entry falls in the history's real-time order. */
  private int entryPosition(int entry) {
    return entry < count ? ops.get(entry).invokeIndex() : ops.get(entry - count).completeIndex();
  }

  private SearchResult search() {
    Linearized linearized = new Linearized(determinateCount);
    Visited seen = new Visited();
    int[] stackCall = new int[count];
    KvState[] stackState = new KvState[count];
    int[] stackBound = new int[count]; // for an indeterminate call: the return it unblocked
    int depth = 0;
    int[] longest = new int[0];
    KvState state = KvState.ABSENT;
    int entry = next[head];
    int infoEntry = NONE;
    int bound = NONE; // >= 0 while trying indeterminate calls invoked before this position
    while (true) {
      int call;
      if (bound == NONE) {
        if (entry == NONE) {
          return SearchResult.success(operations(Arrays.copyOf(stackCall, depth)), seen.size());
        }
        if (entry >= count) { // stuck at a return: try the indeterminate operations
          bound = entryPosition(entry);
          infoEntry = infoNext[infoHead];
          continue;
        }
        call = entry;
        entry = next[entry];
      } else if (infoEntry != NONE && ops.get(infoEntry).invokeIndex() < bound) {
        call = infoEntry;
        infoEntry = infoNext[infoEntry];
        if (rankInClass[call] != placedInClass[classOf[call]]) {
          continue; // an earlier interchangeable operation is the one to try
        }
      } else { // no candidate left here: undo the last choice
        if (depth == 0) {
          return SearchResult.failure(operations(longest), seen.size());
        }
        depth--;
        int undone = stackCall[depth];
        state = stackState[depth];
        if (ops.get(undone).isIndeterminate()) {
          placedInClass[classOf[undone]]--;
          relink(undone, infoNext, infoPrevious);
          bound = stackBound[depth];
          infoEntry = infoNext[undone];
        } else {
          linearized.clear(undone);
          relink(undone + count, next, previous);
          relink(undone, next, previous);
          bound = NONE;
          entry = next[undone];
        }
        continue;
      }
      KvState after = KvModel.step(state, ops.get(call));
      if (after == null || (call >= determinateCount && after.equals(state))) {
        continue; // an indeterminate no-op (a mismatched cas) is as good as never happening
      }
      if (writesUnreadValue[call]) {
        after = after.withUnreadValue();
      }
      boolean indeterminate = call >= determinateCount;
      if (indeterminate) {
        placedInClass[classOf[call]]++;
      } else {
        linearized.set(call);
      }
      if (!seen.add(linearized.key(after), placedInClass)) {
        if (indeterminate) {
          placedInClass[classOf[call]]--;
        } else {
          linearized.clear(call);
        }
        continue;
      }
      stackCall[depth] = call;
      stackState[depth] = state;
      stackBound[depth] = bound;
      depth++;
      if (depth > longest.length) {
        longest = Arrays.copyOf(stackCall, depth);
      }
      state = after;
      if (indeterminate) {
        unlink(call, infoNext, infoPrevious);
      } else {
        unlink(call, next, previous);
        unlink(call + count, next, previous);
      }
      bound = NONE;
      entry = next[head];
    }
  }

  private List<Operation> operations(int[] calls) {
    List<Operation> order = new ArrayList<>(calls.length);
    for (int call : calls) {
      order.add(ops.get(call));
    }
    return order;
  }

  /** Removes an entry from a list; it keeps its links, so {@link #relink} can undo it. */
  private static void unlink(int entry, int[] forward, int[] backward) {
    forward[backward[entry]] = forward[entry];
    if (forward[entry] != NONE) {
      backward[forward[entry]] = backward[entry];
    }
  }

  /** Puts back an entry; entries must be put back in the reverse order they were removed. */
  private static void relink(int entry, int[] forward, int[] backward) {
    forward[backward[entry]] = entry;
    if (forward[entry] != NONE) {
      backward[forward[entry]] = entry;
    }
  }

  /**
   * The determinate operations linearized so far. They get linearized roughly in invocation
   * order, so a key stores only the words between the leading all-ones and the trailing all-zero
   * ones: tens of bytes instead of one bit per operation of the history, which matters because a
   * failing search visits millions of configurations. (Which indeterminate operations are placed
   * is given by the per-class counts, thanks to the symmetry reduction.)
   */
  private static final class Linearized {
    private final long[] words;

    Linearized(int determinateCount) {
      this.words = new long[(determinateCount + 63) / 64];
    }

    void set(int op) {
      words[op >>> 6] |= 1L << (op & 63);
    }

    void clear(int op) {
      words[op >>> 6] &= ~(1L << (op & 63));
    }

    DeterminateKey key(KvState state) {
      int from = 0;
      while (from < words.length && words[from] == -1L) {
        from++;
      }
      int to = words.length;
      while (to > from && words[to - 1] == 0) {
        to--;
      }
      return new DeterminateKey(from, Arrays.copyOfRange(words, from, to), state);
    }
  }

  /**
   * Determinate operations linearized (words before {@code fullWords} all ones, after the span
   * all zeros) and the state reached.
   */
  private record DeterminateKey(int fullWords, long[] span, KvState state) {
    @Override
    public boolean equals(Object other) {
      return other instanceof DeterminateKey key && fullWords == key.fullWords
          && state.equals(key.state) && Arrays.equals(span, key.span);
    }

    @Override
    public int hashCode() {
      return (fullWords * 31 + Arrays.hashCode(span)) * 31 + state.hashCode();
    }
  }

  /**
   * The configurations visited, with subsumption: a configuration is skipped when one with the
   * same determinate operations linearized, the same state and, in every effect class, no more
   * indeterminate operations placed was visited before. That one can do everything this one can
   * (the same moves lead to the same states, and it has every indeterminate operation this one
   * has left), so if it failed this one fails, and if it is still being explored it will try
   * these continuations itself. Equal counts is Lowe's exact cache.
   */
  private static final class Visited {
    private final Map<DeterminateKey, List<int[]>> placedCountsByKey = new HashMap<>();
    private long size;

    boolean add(DeterminateKey key, int[] placedPerClass) {
      List<int[]> visited = placedCountsByKey.computeIfAbsent(key, k -> new ArrayList<>(1));
      for (int[] placed : visited) {
        if (noneGreater(placed, placedPerClass)) {
          return false;
        }
      }
      visited.add(placedPerClass.clone());
      size++;
      return true;
    }

    long size() {
      return size;
    }

    private static boolean noneGreater(int[] placed, int[] than) {
      for (int i = 0; i < placed.length; i++) {
        if (placed[i] > than[i]) {
          return false;
        }
      }
      return true;
    }
  }
}
