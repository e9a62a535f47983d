package io.ostraka.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Proves the weaker rule for reads at consistency {@code stale}: any value some write produced,
 * no older than what the same process last observed for the key — and that linearizable reads
 * are not judged by it.
 */
class StaleReadCheckerTest {

  @Test
  void staleReadMayReturnAnOlderValueThanTheLatest() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b").okVersion(1, 2)
        .staleGet(2, "x").okAbsent(2) // this process had not seen x: absent was a state too
        .staleGet(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void staleReadOfAValueNoWriteProducedIsAViolation() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .staleGet(2, "x").okRead(2, "ghost", 1)
        .check();

    assertThat(result.linearizable()).isTrue();
    assertThat(result.valid()).isFalse();
    assertThat(result.staleReadViolations()).singleElement()
        .satisfies(v -> assertThat(v.problem()).contains("no put or cas"));
  }

  @Test
  void staleReadOfAValueWithTheWrongVersionIsAViolation() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .staleGet(2, "x").okRead(2, "a", 2)
        .check();

    assertThat(result.staleReadViolations()).hasSize(1);
  }

  @Test
  void staleReadOfAWriteInvokedAfterTheReadReturnedIsAViolation() {
    CheckResult result = new Script()
        .staleGet(2, "x").okRead(2, "a", 1)
        .put(1, "x", "a").okVersion(1, 1)
        .check();

    assertThat(result.staleReadViolations()).hasSize(1);
  }

  @Test
  void staleReadOfAFailedWriteIsAViolationButOfAnIndeterminateOneIsNot() {
    CheckResult failed = new Script()
        .put(1, "x", "a").fail(1)
        .staleGet(2, "x").okRead(2, "a", 1)
        .check();
    CheckResult indeterminate = new Script()
        .put(1, "x", "a").info(1)
        .staleGet(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(failed.staleReadViolations()).hasSize(1);
    assertThat(indeterminate.valid()).as(indeterminate.report()).isTrue();
  }

  @Test
  void staleReadOlderThanTheProcessOwnWriteIsAViolation() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(2, "x", "b").okVersion(2, 2)
        .staleGet(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(result.staleReadViolations()).singleElement()
        .satisfies(v -> assertThat(v.problem()).contains("had observed v2"));
  }

  @Test
  void staleReadOlderThanTheProcessPreviousReadIsAViolation() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b").okVersion(1, 2)
        .staleGet(2, "x").okRead(2, "b", 2)
        .staleGet(2, "x").okRead(2, "a", 1)
        .staleGet(3, "x").okRead(3, "a", 1) // another process may still lag
        .check();

    assertThat(result.staleReadViolations()).hasSize(1);
    assertThat(result.staleReadViolations().get(0).read().process()).isEqualTo(2);
  }

  @Test
  void staleAbsentAfterObservingTheKeyIsAViolationUnlessADeleteHappened() {
    CheckResult noDelete = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .get(2, "x").okRead(2, "a", 1)
        .staleGet(2, "x").okAbsent(2)
        .check();
    CheckResult deleted = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .get(2, "x").okRead(2, "a", 1)
        .delete(1, "x").okVersion(1, 1)
        .staleGet(2, "x").okAbsent(2)
        .check();

    assertThat(noDelete.staleReadViolations()).hasSize(1);
    assertThat(deleted.valid()).as(deleted.report()).isTrue();
  }

  @Test
  void staleReadAfterARecreateMayHaveALowerVersion() {
    CheckResult result = new Script()
        .put(1, "x", "a").okVersion(1, 1)
        .put(1, "x", "b").okVersion(1, 2)
        .get(2, "x").okRead(2, "b", 2)
        .delete(1, "x").okVersion(1, 2)
        .put(1, "x", "c").okVersion(1, 1)
        .staleGet(2, "x").okRead(2, "c", 1)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void staleReadOfACasWriteIsAccepted() {
    CheckResult result = new Script()
        .cas(1, "x", 0, "a").ok(1)
        .get(2, "x").okRead(2, "a", 1)
        .staleGet(2, "x").okRead(2, "a", 1)
        .check();

    assertThat(result.valid()).as(result.report()).isTrue();
  }

  @Test
  void reportListsStaleReadViolations() {
    String report = new Script()
        .staleGet(2, "x").okRead(2, "ghost", 1)
        .check().report();

    assertThat(report).startsWith("STALE READ VIOLATIONS: 1")
        .contains("key \"x\", p2, lines 1-2: get[stale] -> ok \"ghost\" v1");
  }
}
