package io.ostraka.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.sim.history.Consistency;
import io.ostraka.sim.history.Event;
import io.ostraka.sim.history.History;
import io.ostraka.sim.history.HistoryReader;
import io.ostraka.sim.history.HistoryWriter;
import io.ostraka.sim.history.KvFunction;
import io.ostraka.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Proves the checker on generated histories: histories of a real linearizable store (a
 * sequential model applied at a random instant inside each operation's interval, with random
 * concurrency, latency, failures and indeterminate outcomes) always pass; one response changed
 * to something certainly impossible always fails; on small histories, mutated or not, the
 * verdict equals a brute-force search over all orders; and the minimizer's reductions never turn
 * a linearizable history into a failing one (the soundness its report relies on).
 */
class GeneratedHistoriesTest {

  @Property(tries = 150)
  void historiesOfALinearizableStorePass(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 10) int processes,
      @ForAll @IntRange(min = 1, max = 4) int keys) {
    History history = new SimulatedKvClients(seed, processes, keys, 0.05, 0.05, 0.2).run(300);

    CheckResult result = LinearizabilityChecker.check(history);

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Property(tries = 100)
  void readOfAValueNeverWrittenFails(@ForAll long seed) {
    History history = SimulatedKvClients.generate(seed, 5, 2, 100);
    Optional<Operation> read = pick(okLinearizableReads(history), seed);
    Assume.that(read.isPresent());
    Event completion = history.events().get(read.get().completeIndex());

    History mutated = Mutations.replaceCompletion(
        history, read.get(), Mutations.withRead(completion, "never-written", 1));

    assertThat(LinearizabilityChecker.check(mutated).linearizable()).isFalse();
  }

  @Property(tries = 100)
  void readOfAValueWrittenOnlyAfterTheReadReturnedFails(@ForAll long seed) {
    History history = SimulatedKvClients.generate(seed, 5, 1, 100);
    List<Operation[]> pairs = new ArrayList<>();
    for (Operation read : okLinearizableReads(history)) {
      for (Operation write : history.operations()) {
        if (write.f() == KvFunction.PUT && write.invokeIndex() > read.completeIndex()) {
          pairs.add(new Operation[] {read, write});
        }
      }
    }
    Assume.that(!pairs.isEmpty());
    Operation[] pair = pairs.get(new SplittableRandom(seed).nextInt(pairs.size()));
    Event completion = history.events().get(pair[0].completeIndex());

    History mutated = Mutations.replaceCompletion(
        history, pair[0], Mutations.withRead(completion, pair[1].value(), Event.NO_VERSION));

    assertThat(LinearizabilityChecker.check(mutated).linearizable()).isFalse();
  }

  @Property(tries = 100)
  void readOfAValueWithAVersionItNeverHadFails(@ForAll long seed) {
    History history = SimulatedKvClients.generate(seed, 5, 2, 100);
    List<Operation> reads = new ArrayList<>();
    for (Operation read : okLinearizableReads(history)) {
      if (read.readValue() != null) {
        reads.add(read); // every value is written once, so it only ever has one version
      }
    }
    Optional<Operation> read = pick(reads, seed);
    Assume.that(read.isPresent());
    Event completion = history.events().get(read.get().completeIndex());

    History mutated = Mutations.replaceCompletion(history, read.get(),
        Mutations.withVersion(completion, read.get().outputVersion() + 1000));

    assertThat(LinearizabilityChecker.check(mutated).linearizable()).isFalse();
  }

  @Property(tries = 10000)
  void agreesWithBruteForceOnSmallHistories(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double indeterminate = random.nextDouble(0.5); // many interchangeable ones, at times
    History history = new SimulatedKvClients(seed, 1 + random.nextInt(4), 1 + random.nextInt(2),
        indeterminate, 0.1, 0.0).run(3 + random.nextInt(9));
    if (random.nextBoolean()) {
      history = Mutations.randomMutation(history, random);
    }
    List<Operation> ops = LinearizabilityChecker.searchable(history.operations());

    boolean expected = BruteForceLinearizability.isLinearizable(ops);
    CheckResult result = LinearizabilityChecker.check(history);

    assertThat(result.linearizable()).as(HistoryWriter.toJsonLines(history)).isEqualTo(expected);
    for (KeyFailure failure : result.keyFailures()) {
      assertThat(BruteForceLinearizability.isLinearizable(failure.subHistory())).isFalse();
    }
  }

  @Property(tries = 500)
  void minimizerReductionsKeepLinearizableHistoriesLinearizable(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    History history = new SimulatedKvClients(seed, 1 + random.nextInt(4), 1, 0.15, 0.1, 0.0)
        .run(3 + random.nextInt(6));
    List<Operation> ops = LinearizabilityChecker.searchable(history.operations());
    Assume.that(BruteForceLinearizability.isLinearizable(ops));

    for (int cut = 0; cut <= history.size(); cut++) {
      assertThat(BruteForceLinearizability.isLinearizable(Minimizer.prefix(ops, cut))).isTrue();
    }
    for (int i = 0; i < ops.size(); i++) {
      List<Operation> rest = new ArrayList<>(ops);
      Operation dropped = rest.remove(i);
      if (Minimizer.soundToDrop(List.of(dropped), rest)) {
        assertThat(BruteForceLinearizability.isLinearizable(rest))
            .as("dropping %s from%n%s", dropped.describe(), HistoryWriter.toJsonLines(history))
            .isTrue();
      }
      List<Operation> weakened = new ArrayList<>(ops);
      weakened.set(i, ops.get(i).withoutOutputVersion().casAsPut());
      assertThat(BruteForceLinearizability.isLinearizable(weakened)).isTrue();
    }
  }

  @Property(tries = 50)
  void generatedHistoriesSurviveAJsonLinesRoundTrip(@ForAll long seed) {
    History history = SimulatedKvClients.generate(seed, 4, 3, 50);

    History reread = HistoryReader.read(HistoryWriter.toJsonLines(history));

    assertThat(reread.events()).isEqualTo(history.events());
    assertThat(reread.operations()).isEqualTo(history.operations());
  }

  private static List<Operation> okLinearizableReads(History history) {
    List<Operation> reads = new ArrayList<>();
    for (Operation op : history.operations()) {
      if (op.f() == KvFunction.GET && op.isOk() && op.consistency() != Consistency.STALE) {
        reads.add(op);
      }
    }
    return reads;
  }

  private static Optional<Operation> pick(List<Operation> ops, long seed) {
    return ops.isEmpty() ? Optional.empty()
        : Optional.of(ops.get(new SplittableRandom(seed).nextInt(ops.size())));
  }
}
