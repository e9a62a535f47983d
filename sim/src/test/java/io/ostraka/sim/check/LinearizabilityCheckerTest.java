package io.ostraka.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.sim.history.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the checker's verdicts on hand-made histories of the KV model: the classic anomalies
 * (stale read, lost write, a cas that succeeded twice, a read of a value never written, a version
 * that went backwards) are rejected, and legal concurrency and indeterminate operations that did
 * or did not take effect are accepted.
 */
class LinearizabilityCheckerTest {

  @Test
  void sequentialHistoryFollowingTheModelIsLinearizable() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .get(1, "x").okRead(1, "a", 1)
        .put(1, "x", "b").okVersion(1, 2)
        .cas(1, "x", 2, "c").okVersion(1, 3)
        .delete(1, "x").okVersion(1, 3)
        .get(1, "x").okAbsent(1)
        .delete(1, "x").okVersion(1, 0)
        .cas(1, "x", 0, "d").okVersion(1, 1) // recreated: version restarts at 1
        .put(1, "x", "e").okVersion(1, 2)
        .get(1, "x").okRead(1, "e", 2)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
    assertThat(result.report()).startsWith("VALID: 10 operations on 1 key");
  }

  @Test
  void concurrentWritesMayTakeEffectInEitherOrder() {
    CheckResult result = new Script()
        .put(1, "x", "a")
        .put(2, "x", "b")
        .get(3, "x")
        .okVersion(2, 1) // b first
        .okRead(3, "b", 1) // a read overlapping both writes may see either
        .okVersion(1, 2)
        .get(3, "x").okRead(3, "a", 2)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void readOverlappingAWriteMaySeeTheOldOrTheNewValue() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b")
        .get(2, "x").okRead(2, "a", 1)
        .get(3, "x").okRead(3, "b", 2)
        .okVersion(1, 2)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void staleReadAfterANewerWriteCompletedIsNotLinearizable() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b").okVersion(1, 2)
        .get(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(result.linearizable()).isFalse();
    assertThat(result.keyFailures()).singleElement()
        .satisfies(failure -> assertThat(failure.key()).isEqualTo("x"));
  }

  @Test
  void lostAcknowledgedWriteIsNotLinearizable() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .get(2, "x").okAbsent(2)
        .check();

    assertThat(result.linearizable()).isFalse();
  }

  @Test
  void casThatSucceededTwiceOnOneVersionIsNotLinearizable() {
    CheckResult sequential = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .cas(1, "x", 1, "b").okVersion(1, 2)
        .cas(2, "x", 1, "c").okVersion(2, 2)
        .check();
    CheckResult concurrent = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .cas(1, "x", 1, "b")
        .cas(2, "x", 1, "c")
        .ok(1)
        .ok(2) // both report success, no versions: still impossible
        .check();

    assertThat(sequential.linearizable()).isFalse();
    assertThat(concurrent.linearizable()).isFalse();
  }

  @Test
  void casWithAMismatchedVersionThatFailedIsFine() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .cas(1, "x", 0, "b").fail(1)
        .cas(2, "x", 1, "c").okVersion(2, 2)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void readOfAValueNeverWrittenIsNotLinearizableAndMinimizesToThatRead() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .get(2, "x").okRead(2, "a", 1)
        .put(1, "x", "b").okVersion(1, 2)
        .get(2, "x").okRead(2, "ghost", 3)
        .put(1, "x", "c").okVersion(1, 3)
        .check();

    KeyFailure failure = result.keyFailures().get(0);
    assertThat(failure.minimized()).isTrue();
    assertThat(failure.subHistory()).extracting(Operation::describe)
        .containsExactly("get -> ok \"ghost\"");
  }

  @Test
  void versionThatWentBackwardsIsNotLinearizable() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b").okVersion(1, 2)
        .get(2, "x").okRead(2, "b", 1)
        .check();

    assertThat(result.linearizable()).isFalse();
  }

  @Test
  void putReportingAVersionOtherThanTheNextIsNotLinearizable() {
    assertThat(new Script().put(1, "x", "a").okVersion(1, 2).check().linearizable()).isFalse();
    assertThat(new Script().put(1, "x", "a").okVersion(1, 0).check().linearizable()).isFalse();
  }

  @Test
  void deleteReportingTheWrongVersionIsNotLinearizable() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .delete(1, "x").okVersion(1, 2)
        .check();

    assertThat(result.linearizable()).isFalse();
  }

  @Test
  void indeterminateWriteMayHaveTakenEffect() {
    CheckResult result = new Script()
        .put(1, "x", "a").info(1)
        .get(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void indeterminateWriteMayNeverHaveTakenEffect() {
    CheckResult result = new Script()
        .put(1, "x", "a").info(1)
        .get(2, "x").okAbsent(2)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void indeterminateWriteMayTakeEffectLongAfterItsInfo() {
    CheckResult result = new Script()
        .put(1, "x", "a").info(1)
        .get(2, "x").okAbsent(2)
        .put(3, "x", "b").okVersion(3, 1)
        .get(2, "x").okRead(2, "a", 2)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void indeterminateWriteCannotTakeEffectBeforeItWasInvoked() {
    CheckResult result = new Script()
        .get(2, "x").okRead(2, "a", 1)
        .put(1, "x", "a").info(1)
        .check();

    assertThat(result.linearizable()).isFalse();
  }

  @Test
  void indeterminateCasMayHaveFoundAMismatch() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .cas(2, "x", 5, "b").info(2)
        .get(1, "x").okRead(1, "a", 1)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void anyNumberOfInterchangeableIndeterminateWritesMayHaveTakenEffect() {
    for (long version = 1; version <= 4; version++) {
      CheckResult result = new Script()
          .put(1, "x", "a").info(1)
          .put(2, "x", "b").info(2)
          .delete(3, "x").info(3)
          .put(4, "x", "c").okVersion(4, version)
          .check();

      assertThat(result.linearizable()).as("put c -> v%d", version).isEqualTo(version <= 3);
    }
  }

  @Test
  void invocationNeverCompletedIsIndeterminate() {
    CheckResult result = new Script()
        .put(1, "x", "a")
        .get(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void failedWriteTookNoEffect() {
    CheckResult result = new Script()
        .put(1, "x", "a").fail(1)
        .get(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(result.linearizable()).isFalse();
  }

  @Test
  void keysAreCheckedIndependentlyAndOnlyTheFailingOneIsReported() {
    CheckResult result = new Script()
        .put(1, "x", "a")
        .put(2, "y", "b").okVersion(2, 1)
        .okVersion(1, 1)
        .get(3, "y").okAbsent(3)
        .get(3, "x").okRead(3, "a", 1)
        .check();

    assertThat(result.keyCount()).isEqualTo(2);
    assertThat(result.keyFailures()).extracting(KeyFailure::key).containsExactly("y");
  }

  @Test
  void staleReadsAreLeftOutOfTheLinearizabilitySearch() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b").okVersion(1, 2)
        .staleGet(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
    assertThat(result.searchedCount()).isEqualTo(2);
  }

  @Test
  void emptyHistoryIsLinearizable() {
    assertThat(new Script().check().valid()).isTrue();
  }

  @Test
  void minimizedStaleReadKeepsOnlyTheWritesThatExplainIt() {
    Script script = new Script();
    for (int i = 1; i <= 30; i++) {
      script.put(1, "x", "v" + i).okVersion(1, i).get(2, "x").okRead(2, "v" + i, i);
    }
    CheckResult result = script.get(3, "x").okRead(3, "v10", 10).check();

    KeyFailure failure = result.keyFailures().get(0);
    assertThat(failure.operationCount()).isEqualTo(61);
    // The write read, one later write that completed before the read, and the read.
    List<Operation> kept = failure.subHistory();
    assertThat(kept).hasSize(3);
    assertThat(kept.get(0).describe()).isEqualTo("put(\"v10\") -> ok");
    assertThat(kept.get(1).describe()).matches("put\\(\"v(1[1-9]|2[0-9]|30)\"\\) -> ok");
    assertThat(kept.get(2).describe()).isEqualTo("get -> ok \"v10\"");
    assertThat(failure.recorded()).hasSize(3);
    assertThat(LinearizabilitySearch.run(failure.subHistory()).linearizable()).isFalse();
  }

  @Test
  void reportShowsTheKeyTheLinesAndTheRecordedOperations() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b").okVersion(1, 2)
        .get(2, "x").okRead(2, "a", 1)
        .check();

    String report = result.report();

    assertThat(report).startsWith("NOT LINEARIZABLE: 1 of 1 key has no linearization.")
        .contains("key \"x\": 3 operations, no linearization.")
        .contains("Smallest failing sub-history found: 3 operations.")
        .contains("#2     p2       5-6           get -> ok \"a\"")
        .contains("(weakened: recorded as get -> ok \"a\" v1)")
        .contains("Longest partial linearization: #0, #1");
  }

  @Test
  void onlyTheFirstFailingKeysAreMinimized() {
    Script script = new Script();
    List<String> keys = List.of("a", "b", "c", "d");
    for (String key : keys) {
      script.get(1, key).okRead(1, "ghost", 1);
    }
    CheckResult result = script.check();

    assertThat(result.keyFailures()).extracting(KeyFailure::minimized)
        .containsExactly(true, true, true, false);
    assertThat(result.report()).contains("Not minimized");
  }
}
