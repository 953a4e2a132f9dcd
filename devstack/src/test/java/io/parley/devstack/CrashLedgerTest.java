package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The crash test's checks catch what they claim to: each failure it must see, on made-up frames. */
class CrashLedgerTest {
  private CrashLedger ledger;
  private RecordingClient alice;
  private RecordingClient bob;

  @BeforeEach
  void twoUsers() {
    ledger = new CrashLedger();
    alice = new RecordingClient("alice", "phone");
    bob = new RecordingClient("bob", "phone");
    ledger.add(alice);
    ledger.add(bob);
  }

  private void send(String id, int index) {
    ledger.sent(new CrashLedger.Sent(id, "alice", "bob", false, List.of("bob"), index));
    alice.onWebSocketText("{\"type\":\"sent\",\"id\":\"" + id + "\",\"at\":1}");
  }

  private static void message(RecordingClient to, long seq, String id) {
    to.onWebSocketText("{\"type\":\"message\",\"seq\":" + seq + ",\"id\":\"" + id + "\",\"from\":\"alice\",\"conversation\":\"dm:alice:bob\",\"body\":\"b\",\"at\":1}");
  }

  private static void receipt(RecordingClient to, long seq, String id) {
    to.onWebSocketText("{\"type\":\"receipt\",\"seq\":" + seq + ",\"id\":\"" + id + "\",\"conversation\":\"dm:alice:bob\",\"by\":\"bob\",\"status\":\"delivered\",\"at\":1}");
  }

  @Test
  void shouldPassARunWithRawRepeatsOfTheSameSeqAndCountThem() {
    send("m1", 1);
    send("m2", 2);
    message(bob, 1, "m1");
    message(bob, 2, "m2");
    message(bob, 2, "m2"); // the replay after an abort
    receipt(alice, 1, "m1");
    receipt(alice, 2, "m2");
    receipt(alice, 2, "m2");

    CrashLedger.Report report = ledger.check();

    assertThat(report.violationsText()).isEmpty();
    assertThat(report.rawDuplicates).isEqualTo(2);
    assertThat(report.delivered).isEqualTo(2);
    assertThat(report.receipts).isEqualTo(2);
    assertThat(ledger.outstanding()).isZero();
  }

  @Test
  void shouldReportALostMessageAndItsMissingReceipt() {
    send("m1", 1);
    send("m2", 2);
    message(bob, 1, "m1");
    receipt(alice, 1, "m1");

    CrashLedger.Report report = ledger.check();

    assertThat(report.violationCounts).containsEntry("lost", 1).containsEntry("lost receipt", 1);
    assertThat(ledger.outstanding()).isEqualTo(2);
    assertThat(ledger.outstanding(1)).isZero();
  }

  @Test
  void shouldHoldEveryDeviceOfARecipientAndOfTheSenderToTheClaims() {
    RecordingClient tablet = new RecordingClient("bob", "tablet");
    RecordingClient laptop = new RecordingClient("alice", "laptop");
    ledger.add(tablet);
    ledger.add(laptop);
    send("m1", 1);
    send("m2", 2);
    message(bob, 1, "m1");
    message(bob, 2, "m2");
    message(tablet, 1, "m1"); // the tablet never got m2
    receipt(alice, 1, "m1");
    receipt(alice, 2, "m2");
    receipt(laptop, 1, "m1"); // nor the laptop m2's receipt

    CrashLedger.Report report = ledger.check();

    assertThat(report.violationCounts).containsEntry("lost", 1).containsEntry("lost receipt", 1);
    assertThat(report.violationsText()).contains("never reached bob/tablet").doesNotContain("never reached bob/phone")
        .contains("alice/laptop never got the delivered receipt of m2");
    assertThat(report.expectedDeliveries).isEqualTo(4);
    assertThat(ledger.outstanding()).isEqualTo(2);
    assertThat(ledger.contiguous(tablet)).isEqualTo(1);
  }

  @Test
  void shouldReportASeqThatCameWithAnotherMessageOnAnotherDeviceOfTheUser() {
    RecordingClient tablet = new RecordingClient("bob", "tablet");
    ledger.add(tablet);
    send("m1", 1);
    send("m2", 2);
    message(bob, 1, "m1");
    message(tablet, 1, "m2");

    assertThat(ledger.check().violationCounts).containsKey("seq with two contents");
  }

  @Test
  void shouldReportAMessageIdUnderTwoSeqs() {
    send("m1", 1);
    message(bob, 1, "m1");
    message(bob, 2, "m1");
    receipt(alice, 1, "m1");

    assertThat(ledger.check().violationCounts).containsKey("id under two seqs");
  }

  @Test
  void shouldReportASeqThatCameWithTwoDifferentMessages() {
    send("m1", 1);
    send("m2", 2);
    message(bob, 1, "m1");
    message(bob, 1, "m2");
    message(bob, 2, "m2");
    receipt(alice, 1, "m1");
    receipt(alice, 2, "m2");

    assertThat(ledger.check().violationCounts).containsKey("seq with two contents").containsKey("id under two seqs");
  }

  @Test
  void shouldReportMessagesOutOfTheirSendersOrder() {
    send("m1", 1);
    send("m2", 2);
    message(bob, 1, "m2");
    message(bob, 2, "m1");
    receipt(alice, 1, "m2");
    receipt(alice, 2, "m1");

    assertThat(ledger.check().violationCounts).containsOnlyKeys("order");
  }

  @Test
  void shouldReportAReceiptUnderTwoSeqsAndAGap() {
    send("m1", 1);
    message(bob, 1, "m1");
    receipt(alice, 1, "m1");
    receipt(alice, 3, "m1");

    assertThat(ledger.check().violationCounts).containsOnlyKeys("receipt under two seqs", "gap");
  }

  @Test
  void shouldReportADeliveryNobodySent() {
    message(bob, 1, "ghost");

    assertThat(ledger.check().violationCounts).containsOnlyKeys("unexpected");
  }
}
