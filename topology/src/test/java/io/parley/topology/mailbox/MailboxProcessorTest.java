package io.parley.topology.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.ChatMessage;
import io.parley.schemas.Delivery;
import io.parley.schemas.DeliveryTarget;
import io.parley.schemas.Receipt;
import io.parley.schemas.ReceiptStatus;
import io.parley.schemas.StoredMessage;
import io.parley.topology.MailboxSettings;
import io.parley.topology.deadletter.DecodingProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MailboxProcessorTest {
  private MailboxHarness box;

  @BeforeEach
  void start() {
    box = new MailboxHarness(MailboxHarness.defaults());
  }

  @AfterEach
  void stop() {
    box.close();
  }

  private void restartWith(MailboxSettings settings) {
    box.close();
    box = new MailboxHarness(settings);
  }

  private static String body(Delivery d) {
    return ((ChatMessage) d.getEnvelope().getPayload()).getBody();
  }

  private static Receipt receipt(Delivery d) {
    return (Receipt) d.getEnvelope().getPayload();
  }

  private static List<Long> seqs(List<Delivery> ds) {
    return ds.stream().map(Delivery::getSeq).toList();
  }

  // --- seq and routing ---

  @Test
  void shouldGiveEachRecipientItsOwnIncreasingSeq() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.open("carol", "phone", "gw-1", "s2", 0);

    box.send("alice", "bob", "one");
    box.send("alice", "carol", "one");
    box.send("alice", "bob", "two");

    List<Delivery> out = box.deliveries("gw-1");
    assertThat(out).extracting(Delivery::getUser, Delivery::getSeq)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("bob", 1L),
            org.assertj.core.groups.Tuple.tuple("carol", 1L),
            org.assertj.core.groups.Tuple.tuple("bob", 2L));
  }

  @Test
  void shouldRouteToTheGatewayOfEachOnlineDevice() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.open("bob", "laptop", "gw-2", "s2", 0);

    box.send("alice", "bob", "hi");

    List<Delivery> one = box.deliveries("gw-1");
    List<Delivery> two = box.deliveries("gw-2");
    assertThat(one).singleElement().satisfies(d -> {
      assertThat(d.getTargets()).containsExactly(new DeliveryTarget("phone", "s1"));
      assertThat(body(d)).isEqualTo("hi");
    });
    assertThat(two).singleElement().satisfies(d -> assertThat(d.getTargets()).containsExactly(new DeliveryTarget("laptop", "s2")));
  }

  @Test
  void shouldKeyRoutedRecordsByUserSoOneUsersDeliveriesStayInOrder() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "hi");

    List<TestRecord<String, Delivery>> out = box.deliveryRecords("gw-1");
    assertThat(out).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("bob"));
  }

  // --- offline and flush ---

  @Test
  void shouldKeepMessagesForAnOfflineUserAndFlushThemInSeqOrderOnSessionOpened() {
    box.send("alice", "bob", "one");
    box.send("carol", "bob", "two");
    box.send("alice", "bob", "three");
    assertThat(box.deliveries("gw-1")).isEmpty();

    box.open("bob", "phone", "gw-1", "s1", 0);

    List<Delivery> out = box.deliveries("gw-1");
    assertThat(seqs(out)).containsExactly(1L, 2L, 3L);
    assertThat(out).extracting(MailboxProcessorTest::body).containsExactly("one", "two", "three");
  }

  @Test
  void shouldFlushOnlyWhatComesAfterTheClientsCursor() {
    for (int i = 0; i < 5; i++) {
      box.send("alice", "bob", "m" + i);
    }

    box.open("bob", "phone", "gw-1", "s1", 3);

    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(4L, 5L);
    assertThat(box.inboxSeqs("bob")).containsExactly(4L, 5L);
  }

  @Test
  void shouldFlushInBatchesBoundedByTheWindowAndSendMoreAsAcksArrive() {
    restartWith(MailboxHarness.defaults().withWindow(3));
    for (int i = 0; i < 10; i++) {
      box.send("alice", "bob", "m" + i);
    }

    box.open("bob", "phone", "gw-1", "s1", 0);
    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(1L, 2L, 3L);

    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(4L);

    box.ack("bob", "phone", 2, ReceiptStatus.DELIVERED);
    box.ack("bob", "phone", 3, ReceiptStatus.DELIVERED);
    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(5L, 6L);
  }

  @Test
  void shouldHoldNewMessagesBackWhileTheWindowIsFull() {
    restartWith(MailboxHarness.defaults().withWindow(2));
    box.open("bob", "phone", "gw-1", "s1", 0);

    box.send("alice", "bob", "a");
    box.send("alice", "bob", "b");
    box.send("alice", "bob", "c");
    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(1L, 2L);

    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(3L);

    box.ack("bob", "phone", 2, ReceiptStatus.DELIVERED);
    box.send("alice", "bob", "d");
    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(4L);
  }

  @Test
  void shouldReachAFreshDeviceEvenWhenTheOldestSeqsAreGone() {
    restartWith(MailboxHarness.defaults().withWindow(2));
    box.open("bob", "phone", "gw-1", "s1", 0);
    for (int i = 0; i < 6; i++) {
      box.send("alice", "bob", "m" + i);
      box.ack("bob", "phone", i + 1, ReceiptStatus.DELIVERED);
    }
    box.deliveries("gw-1");
    assertThat(box.inboxSeqs("bob")).isEmpty();
    box.close("bob", "phone", "s1");
    box.send("alice", "bob", "late");

    box.open("bob", "tablet", "gw-1", "s2", 0);

    assertThat(box.deliveries("gw-1")).extracting(Delivery::getSeq, MailboxProcessorTest::body)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(7L, "late"));
  }

  @Test
  void shouldSendWhatWasRoutedButNotAcknowledgedAgainOnTheNextSession() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");
    box.send("alice", "bob", "two");
    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    box.deliveries("gw-1");

    box.open("bob", "phone", "gw-2", "s2", 1);

    assertThat(box.deliveries("gw-2")).extracting(MailboxProcessorTest::body).containsExactly("two");
  }

  @Test
  void shouldResendEverythingUnacknowledgedAfterTheSyncPoint() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");
    box.send("alice", "bob", "two");
    box.send("alice", "bob", "three");
    box.ack("bob", "phone", 2, ReceiptStatus.DELIVERED);
    box.deliveries("gw-1");

    box.sync("bob", "phone", "gw-1", "s1", 0);

    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(1L, 3L);
  }

  @Test
  void shouldTreatASyncFromAnUnknownSessionAsAReopen() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.close("bob", "phone", "s1");
    box.send("alice", "bob", "one");

    box.sync("bob", "phone", "gw-1", "s9", 0);

    assertThat(box.deliveries("gw-1")).singleElement()
        .satisfies(d -> assertThat(d.getTargets()).containsExactly(new DeliveryTarget("phone", "s9")));
    assertThat(box.device("bob", "phone").getSession()).isEqualTo("s9");
  }

  // --- dedupe ---

  @Test
  void shouldGiveAResentMessageNoSecondSeq() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "m-42", "once");
    box.send("alice", "bob", "m-42", "once");

    assertThat(box.deliveries("gw-1")).singleElement().satisfies(d -> assertThat(d.getSeq()).isEqualTo(1L));
    assertThat(box.messages.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldTellTheSameClientIdFromTwoSendersApart() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "m-1", "from alice");
    box.send("carol", "bob", "m-1", "from carol");

    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(1L, 2L);
  }

  @Test
  void shouldBookOneSweepPerUserInsteadOfAnExpiryKeyPerMessage() {
    for (int i = 0; i < 5; i++) {
      box.send("alice", "bob", "m" + i);
    }
    box.send("alice", "carol", "hi");

    // bob and carol: one inbox sweep and one dedupe sweep each
    assertThat(box.expiryKeys()).hasSize(4);
  }

  @Test
  void shouldContinueTheSeqOfAMailboxWrittenBeforeTheSeqMovedIntoTheDeviceTable() {
    box.legacySeq("bob", 41);
    box.open("bob", "phone", "gw-1", "s1", 41);

    box.send("alice", "bob", "hi");

    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(42L);
  }

  @Test
  void shouldForgetDedupeKeysAfterTheirTtl() {
    restartWith(MailboxHarness.defaults().withRetention(Duration.ofDays(30), Duration.ofHours(1)));
    box.send("alice", "bob", "m-7", "first");
    assertThat(box.dedupeEntries()).hasSize(1);

    box.advance(Duration.ofHours(2));

    assertThat(box.dedupeEntries()).isEmpty();
  }

  // --- receipts ---

  @Test
  void shouldTurnDeliveredAndReadAcksIntoReceiptsForTheSender() {
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb", 0);
    String id = box.send("alice", "bob", "hi");
    box.deliveries("gw-2");

    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    box.ack("bob", "phone", 1, ReceiptStatus.READ);

    List<Delivery> toAlice = box.deliveries("gw-1");
    assertThat(toAlice).extracting(d -> receipt(d).getStatus()).containsExactly(ReceiptStatus.DELIVERED, ReceiptStatus.READ);
    assertThat(toAlice).allSatisfy(d -> {
      assertThat(receipt(d).getMessageId()).isEqualTo(id);
      assertThat(receipt(d).getBy()).isEqualTo("bob");
      assertThat(receipt(d).getConversation()).isEqualTo("dm:alice:bob");
    });
    assertThat(seqs(toAlice)).containsExactly(1L, 2L);
  }

  @Test
  void shouldApplyAReceiptOnceWhenItsHandoffIsWrittenAgain() {
    box.close();
    box = MailboxHarness.recordingHandoffs(MailboxHarness.defaults());
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb", 0);
    box.send("alice", "bob", "hi");
    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    assertThat(box.handedOff).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("alice"));

    // A task that aborted after handing the receipt off replays the ack and writes it again.
    box.deliverHandoff(box.handedOff.get(0));
    box.deliverHandoff(box.handedOff.get(0));

    assertThat(box.deliveries("gw-1")).singleElement().satisfies(d -> {
      assertThat(receipt(d).getStatus()).isEqualTo(ReceiptStatus.DELIVERED);
      assertThat(d.getSeq()).isEqualTo(1L);
    });
  }

  @Test
  void shouldApplyEveryHandoffOfOneInputRecord() {
    box.close();
    box = MailboxHarness.recordingHandoffs(MailboxHarness.defaults());
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb", 0);
    box.send("alice", "bob", "one");
    box.send("alice", "bob", "two");
    box.ack("bob", "phone", 2, ReceiptStatus.DELIVERED);
    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    assertThat(box.handedOff).hasSize(2);

    box.handedOff.forEach(box::deliverHandoff);
    box.handedOff.forEach(box::deliverHandoff);

    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(1L, 2L);
  }

  // --- cumulative acks ---

  @Test
  void shouldMakeAReceiptForEveryMessageACumulativeAckCovers() {
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb", 0);
    String one = box.send("alice", "bob", "one");
    String two = box.send("alice", "bob", "two");
    String three = box.send("alice", "bob", "three");

    box.ackUpTo("bob", "phone", 3, ReceiptStatus.DELIVERED);

    assertThat(box.deliveries("gw-1")).extracting(d -> receipt(d).getMessageId(), d -> receipt(d).getStatus())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(one, ReceiptStatus.DELIVERED),
            org.assertj.core.groups.Tuple.tuple(two, ReceiptStatus.DELIVERED),
            org.assertj.core.groups.Tuple.tuple(three, ReceiptStatus.DELIVERED));
    assertThat(box.device("bob", "phone").getCursor()).isEqualTo(3L);
    assertThat(box.inboxSeqs("bob")).isEmpty();
  }

  @Test
  void shouldNotRepeatReceiptsOfMessagesAckedOneByOneBeforeACumulativeAck() {
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb", 0);
    box.send("alice", "bob", "one");
    box.send("alice", "bob", "two");
    box.ack("bob", "phone", 2, ReceiptStatus.DELIVERED);
    assertThat(box.deliveries("gw-1")).hasSize(1);

    box.ackUpTo("bob", "phone", 2, ReceiptStatus.DELIVERED);

    assertThat(box.deliveries("gw-1")).singleElement().satisfies(d -> assertThat(d.getSeq()).isEqualTo(2L));
    assertThat(box.device("bob", "phone").getCursor()).isEqualTo(2L);
  }

  @Test
  void shouldReadEveryMessageUpToACumulativeReadOnceEach() {
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb", 0);
    box.send("alice", "bob", "one");
    box.send("carol", "bob", "two");
    box.ackUpTo("bob", "phone", 2, ReceiptStatus.DELIVERED);
    box.deliveries("gw-1");

    box.ackUpTo("bob", "phone", 2, ReceiptStatus.READ);
    box.ackUpTo("bob", "phone", 2, ReceiptStatus.READ);
    box.ack("bob", "phone", 1, ReceiptStatus.READ);

    assertThat(box.deliveries("gw-1")).singleElement().satisfies(d -> assertThat(receipt(d).getStatus()).isEqualTo(ReceiptStatus.READ));
    box.open("carol", "phone", "gw-1", "sc", 0);
    assertThat(box.deliveries("gw-1")).extracting(d -> receipt(d).getStatus())
        .containsExactly(ReceiptStatus.DELIVERED, ReceiptStatus.READ);
  }

  @Test
  void shouldOpenTheWindowByEveryDeliverableACumulativeAckCovers() {
    restartWith(MailboxHarness.defaults().withWindow(2));
    box.open("bob", "phone", "gw-1", "s1", 0);
    for (int i = 0; i < 5; i++) {
      box.send("alice", "bob", "m" + i);
    }
    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(1L, 2L);

    box.ackUpTo("bob", "phone", 2, ReceiptStatus.DELIVERED);

    assertThat(seqs(box.deliveries("gw-1"))).containsExactly(3L, 4L);
  }

  @Test
  void shouldIgnoreACumulativeAckBeyondTheLastSeq() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");

    box.ackUpTo("bob", "phone", 99, ReceiptStatus.DELIVERED);

    assertThat(box.device("bob", "phone").getCursor()).isZero();
    assertThat(box.inboxSeqs("bob")).containsExactly(1L);
  }

  @Test
  void shouldSendOneReceiptPerStatusHoweverManyDevicesAck() {
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb1", 0);
    box.open("bob", "laptop", "gw-2", "sb2", 0);
    box.send("alice", "bob", "hi");

    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    box.ack("bob", "laptop", 1, ReceiptStatus.DELIVERED);
    box.ack("bob", "laptop", 1, ReceiptStatus.READ);
    box.ack("bob", "phone", 1, ReceiptStatus.READ);

    assertThat(box.deliveries("gw-1")).extracting(d -> receipt(d).getStatus())
        .containsExactly(ReceiptStatus.DELIVERED, ReceiptStatus.READ);
  }

  @Test
  void shouldKeepReceiptsForAnOfflineSenderUntilItReconnects() {
    box.open("bob", "phone", "gw-2", "sb", 0);
    box.send("alice", "bob", "hi");
    box.ack("bob", "phone", 1, ReceiptStatus.READ);
    assertThat(box.deliveries("gw-1")).isEmpty();

    box.open("alice", "phone", "gw-1", "sa", 0);

    assertThat(box.deliveries("gw-1")).singleElement()
        .satisfies(d -> assertThat(receipt(d).getStatus()).isEqualTo(ReceiptStatus.READ));
  }

  @Test
  void shouldStillMakeAReadReceiptAfterTheMessageLeftTheInbox() {
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb", 0);
    box.send("alice", "bob", "hi");
    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    assertThat(box.inboxSeqs("bob")).isEmpty();

    box.ack("bob", "phone", 1, ReceiptStatus.READ);

    assertThat(box.deliveries("gw-1")).extracting(d -> receipt(d).getStatus())
        .containsExactly(ReceiptStatus.DELIVERED, ReceiptStatus.READ);
  }

  @Test
  void shouldMakeNoReceiptForAcksOfReceipts() {
    box.open("alice", "phone", "gw-1", "sa", 0);
    box.open("bob", "phone", "gw-2", "sb", 0);
    box.send("alice", "bob", "hi");
    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    box.deliveries("gw-1");

    box.ack("alice", "phone", 1, ReceiptStatus.READ);

    assertThat(box.deliveries("gw-2")).hasSize(1); // only the original message
    assertThat(box.inboxSeqs("alice")).isEmpty();
  }

  // --- inbox lifetime ---

  @Test
  void shouldDropAnInboxEntryOnlyWhenEveryKnownDeviceAcknowledgedIt() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.open("bob", "laptop", "gw-1", "s2", 0);
    box.send("alice", "bob", "hi");

    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    assertThat(box.inboxSeqs("bob")).containsExactly(1L);

    box.ack("bob", "laptop", 1, ReceiptStatus.DELIVERED);
    assertThat(box.inboxSeqs("bob")).isEmpty();
  }

  @Test
  void shouldKeepEntriesForAnOfflineDeviceThatHasNotAcked() {
    box.open("bob", "laptop", "gw-1", "s2", 0);
    box.close("bob", "laptop", "s2");
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "hi");
    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    box.deliveries("gw-1");

    assertThat(box.inboxSeqs("bob")).containsExactly(1L);
    box.open("bob", "laptop", "gw-1", "s3", 0);
    assertThat(box.deliveries("gw-1")).extracting(MailboxProcessorTest::body).containsExactly("hi");
  }

  @Test
  void shouldAdvanceTheCursorOverAcksThatArriveOutOfOrder() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");
    box.send("alice", "bob", "two");
    box.send("alice", "bob", "three");

    box.ack("bob", "phone", 3, ReceiptStatus.DELIVERED);
    box.ack("bob", "phone", 2, ReceiptStatus.DELIVERED);
    assertThat(box.device("bob", "phone").getCursor()).isZero();
    assertThat(box.inboxSeqs("bob")).containsExactly(1L, 2L, 3L);

    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    assertThat(box.device("bob", "phone").getCursor()).isEqualTo(3L);
    assertThat(box.inboxSeqs("bob")).isEmpty();
  }

  @Test
  void shouldIgnoreAcksOfSeqsNeverGivenOutOrFromUnknownDevices() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");

    box.ack("bob", "phone", 99, ReceiptStatus.DELIVERED);
    box.ack("bob", "ghost", 1, ReceiptStatus.DELIVERED);

    assertThat(box.device("bob", "phone").getCursor()).isZero();
    assertThat(box.device("bob", "ghost")).isNull();
    assertThat(box.inboxSeqs("bob")).containsExactly(1L);
  }

  @Test
  void shouldRemoveUnacknowledgedEntriesAfterTheRetentionPeriod() {
    restartWith(MailboxHarness.defaults().withRetention(Duration.ofDays(1), Duration.ofHours(1)));
    box.send("alice", "bob", "old");
    box.advance(Duration.ofHours(12));
    box.send("alice", "bob", "newer");

    box.advance(Duration.ofHours(13));

    assertThat(box.inboxSeqs("bob")).containsExactly(2L);
    box.open("bob", "phone", "gw-1", "s1", 0);
    assertThat(box.deliveries("gw-1")).extracting(MailboxProcessorTest::body).containsExactly("newer");
  }

  // --- devices signed in and signed out ---

  @Test
  void shouldKeepAMessageForASignedInDeviceThatHasNotConnectedWhenAnotherDeviceAcksIt() {
    box.register("bob", "b1");
    box.register("bob", "b2");
    box.open("bob", "b1", "gw-1", "s1", 0);
    box.send("alice", "bob", "hi");
    box.ack("bob", "b1", 1, ReceiptStatus.DELIVERED);
    box.ack("bob", "b1", 1, ReceiptStatus.READ);
    assertThat(box.inboxSeqs("bob")).containsExactly(1L);

    box.open("bob", "b2", "gw-2", "s2", 0);

    assertThat(box.deliveries("gw-2")).extracting(Delivery::getSeq, MailboxProcessorTest::body)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "hi"));
    box.ack("bob", "b2", 1, ReceiptStatus.DELIVERED);
    assertThat(box.inboxSeqs("bob")).isEmpty();
  }

  @Test
  void shouldNotMakeASignedInDeviceHoldWhatArrivedBeforeItSignedIn() {
    box.open("bob", "b1", "gw-1", "s1", 0);
    box.send("alice", "bob", "before");

    box.register("bob", "b2");
    box.send("alice", "bob", "after");
    box.ack("bob", "b1", 1, ReceiptStatus.DELIVERED);
    box.ack("bob", "b1", 2, ReceiptStatus.DELIVERED);

    assertThat(box.inboxSeqs("bob")).containsExactly(2L);
    assertThat(box.device("bob", "b2").getOnline()).isFalse();
  }

  @Test
  void shouldGiveASignedInDeviceWhatTheInboxStillHoldsWhenItFirstConnectsFromZero() {
    box.open("bob", "b1", "gw-1", "s1", 0);
    box.close("bob", "b1", "s1");
    box.send("alice", "bob", "waiting for b1");
    box.register("bob", "b2");
    box.send("alice", "bob", "new");

    box.open("bob", "b2", "gw-2", "s2", -1);

    assertThat(box.deliveries("gw-2")).extracting(MailboxProcessorTest::body).containsExactly("waiting for b1", "new");
    assertThat(box.device("bob", "b2").getAwaitingFirstSession()).isFalse();
  }

  @Test
  void shouldKeepEverythingForAUserWithoutDevicesUntilItsNextDeviceConnects() {
    box.send("alice", "bob", "one");
    box.register("bob", "b1");
    box.send("alice", "bob", "two");

    box.open("bob", "b1", "gw-1", "s1", 0);

    assertThat(box.deliveries("gw-1")).extracting(MailboxProcessorTest::body).containsExactly("one", "two");
  }

  @Test
  void shouldChangeNothingWhenAKnownDeviceSignsInAgain() {
    box.open("bob", "b1", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");
    box.send("alice", "bob", "two");
    box.ack("bob", "b1", 1, ReceiptStatus.DELIVERED);
    box.deliveries("gw-1");
    var before = box.device("bob", "b1");

    box.register("bob", "b1");

    assertThat(box.device("bob", "b1")).isEqualTo(before);
    assertThat(box.device("bob", "b1").getOnline()).isTrue();
    assertThat(box.device("bob", "b1").getCursor()).isEqualTo(1L);
    assertThat(box.inboxSeqs("bob")).containsExactly(2L);
    assertThat(box.deliveries("gw-1")).isEmpty();
  }

  @Test
  void shouldReleaseAtOnceWhatOnlyARemovedDeviceWasHolding() {
    box.register("bob", "b1");
    box.register("bob", "b2");
    box.open("bob", "b1", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");
    box.send("alice", "bob", "two");
    box.ack("bob", "b1", 1, ReceiptStatus.DELIVERED);
    assertThat(box.inboxSeqs("bob")).containsExactly(1L, 2L);

    box.remove("bob", "b2");

    assertThat(box.device("bob", "b2")).isNull();
    assertThat(box.inboxSeqs("bob")).containsExactly(2L); // b1 still has not acked two
    assertThat(box.table("bob").getLastSeq()).isEqualTo(2L);
    box.send("alice", "bob", "three");
    assertThat(box.deliveries("gw-1")).extracting(Delivery::getSeq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void shouldKeepEntriesUntilRetentionWhenTheLastDeviceIsRemoved() {
    box.register("bob", "b1");
    box.send("alice", "bob", "one");

    box.remove("bob", "b1");

    assertThat(box.table("bob").getDevices()).isEmpty();
    assertThat(box.table("bob").getLastSeq()).isEqualTo(1L);
    assertThat(box.inboxSeqs("bob")).containsExactly(1L);
    box.register("bob", "b3");
    box.open("bob", "b3", "gw-1", "s3", 0);
    assertThat(box.deliveries("gw-1")).extracting(Delivery::getSeq, MailboxProcessorTest::body)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "one"));
  }

  @Test
  void shouldEndTheSessionOfAnOnlineDeviceThatIsRemoved() {
    box.open("bob", "b1", "gw-1", 7L, "s1", 0);
    box.open("bob", "b2", "gw-2", 7L, "s2", 0);
    box.send("alice", "bob", "one");
    box.ack("bob", "b2", 1, ReceiptStatus.DELIVERED);
    box.deliveries("gw-1");
    box.deliveries("gw-2");
    assertThat(box.sessionKeys()).anyMatch(k -> k.endsWith("|bob|b1"));

    box.remove("bob", "b1");

    assertThat(box.deliveries("gw-1")).singleElement().satisfies(d -> {
      assertThat(d.getNotice().getCode()).isEqualTo(MailboxProcessor.SESSION_REPLACED);
      assertThat(d.getTargets()).containsExactly(new DeliveryTarget("b1", "s1"));
    });
    assertThat(box.device("bob", "b1")).isNull();
    assertThat(box.inboxSeqs("bob")).isEmpty();
    assertThat(box.sessionKeys()).noneMatch(k -> k.endsWith("|bob|b1"));
    box.send("alice", "bob", "two");
    assertThat(box.deliveries("gw-1")).isEmpty();
    assertThat(box.deliveries("gw-2")).extracting(MailboxProcessorTest::body).containsExactly("two");
  }

  @Test
  void shouldTellPresenceTheUserWentOfflineWhenItsLastOnlineDeviceIsRemoved() {
    box.open("bob", "b1", "gw-1", "s1", 0);
    box.lastSeen.readRecordsToList();

    box.remove("bob", "b1");

    assertThat(box.lastSeen.readValuesToList()).last().satisfies(l -> assertThat(l.getOnline()).isFalse());
  }

  @Test
  void shouldIgnoreTheRemovalOfAnUnknownDeviceAndTheCloseOfARemovedOnesSession() {
    box.open("bob", "b1", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");

    box.remove("bob", "ghost");
    box.remove("bob", "b1");
    box.close("bob", "b1", "s1");

    assertThat(box.table("bob").getDevices()).isEmpty();
    assertThat(box.inboxSeqs("bob")).containsExactly(1L);
  }

  // --- sessions and leases ---

  @Test
  void shouldStopRoutingToADeviceWhoseGatewayStoppedRenewingItsLease() {
    box.open("bob", "phone", "gw-1", "s1", 0);

    box.advance(Duration.ofSeconds(50));

    assertThat(box.device("bob", "phone").getOnline()).isFalse();
    box.send("alice", "bob", "while away");
    assertThat(box.deliveries("gw-1")).isEmpty();
    assertThat(box.inboxSeqs("bob")).containsExactly(1L);
  }

  @Test
  void shouldKeepDevicesOnlineWhileTheirGatewayRenewsItsLease() {
    box.open("bob", "phone", "gw-1", 7L, "s1", 0);
    for (int i = 0; i < 10; i++) {
      box.advance(Duration.ofSeconds(10));
      box.lease("gw-1", 7L);
    }

    assertThat(box.device("bob", "phone").getOnline()).isTrue();
  }

  @Test
  void shouldKeepOnlineADeviceItsGatewaySpokeForWhileTheLeaseLooksOld() {
    box.open("bob", "phone", "gw-1", 7L, "s1", 0);
    box.send("alice", "bob", "one");
    box.advance(Duration.ofSeconds(40));
    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED); // the gateway is alive; its renewals are late

    box.advance(Duration.ofSeconds(10)); // the last renewal is 50 s old, the ack 10 s
    assertThat(box.device("bob", "phone").getOnline()).isTrue();
    box.send("alice", "bob", "two");
    assertThat(box.deliveries("gw-1")).extracting(MailboxProcessorTest::body).containsExactly("one", "two");

    box.advance(Duration.ofSeconds(40)); // nothing from the gateway for 50 s
    assertThat(box.device("bob", "phone").getOnline()).isFalse();
  }

  @Test
  void shouldBringBackASessionTheLeaseTookOfflineWhenItsGatewaySyncsIt() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.advance(Duration.ofSeconds(50)); // Kafka was out: no renewal landed
    assertThat(box.device("bob", "phone").getOnline()).isFalse();
    box.send("alice", "bob", "while the lease looked dead");

    box.lease("gw-1", 1L);
    box.sync("bob", "phone", "gw-1", "s1", -1); // the gateway's resync of its live sockets

    assertThat(box.device("bob", "phone").getOnline()).isTrue();
    assertThat(box.deliveries("gw-1")).extracting(MailboxProcessorTest::body).containsExactly("while the lease looked dead");
  }

  @Test
  void shouldNotLetAGatewaysResyncDisplaceTheDevicesNewerSession() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.open("bob", "phone", "gw-2", "s2", 0); // the device connected again elsewhere
    box.deliveries("gw-1");
    box.deliveries("gw-2");

    box.sync("bob", "phone", "gw-1", "s1", -1); // gw-1 still holds the old socket

    assertThat(box.device("bob", "phone").getSession()).isEqualTo("s2");
    assertThat(box.deliveries("gw-2")).isEmpty(); // no session_replaced notice for the live socket
  }

  @Test
  void shouldTakeOfflineTheSessionsOfAnOlderIncarnationWhenAGatewayRestarts() {
    box.open("bob", "phone", "gw-1", 100L, "s1", 0);
    box.open("carol", "phone", "gw-1", 100L, "s2", 0);
    box.open("dave", "phone", "gw-1", 200L, "s3", 0); // connected after the restart

    box.lease("gw-1", 200L);
    box.advance(Duration.ofSeconds(6));

    assertThat(box.device("bob", "phone").getOnline()).isFalse();
    assertThat(box.device("carol", "phone").getOnline()).isFalse();
    assertThat(box.device("dave", "phone").getOnline()).isTrue();
  }

  @Test
  void shouldTakeOfflineAtOnceTheSessionsOfAGatewayThatSaidItStopped() {
    box.open("bob", "phone", "gw-1", 5L, "s1", 0);
    box.gateways.pipeInput("gw-1", new io.parley.schemas.GatewayLease("gw-1", 5L, box.now(), true));

    box.advance(Duration.ofSeconds(6));

    assertThat(box.device("bob", "phone").getOnline()).isFalse();
  }

  @Test
  void shouldDeliverToTheNewSessionAfterALeaseLapsedAndTheClientReconnectedElsewhere() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");
    box.deliveries("gw-1"); // routed, never acked: gw-1 died
    box.advance(Duration.ofSeconds(50));
    box.send("alice", "bob", "two");

    box.open("bob", "phone", "gw-2", "s2", 0);

    assertThat(box.deliveries("gw-2")).extracting(MailboxProcessorTest::body).containsExactly("one", "two");
  }

  @Test
  void shouldIgnoreTheCloseOfASessionTheDeviceAlreadyLeft() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.open("bob", "phone", "gw-2", "s2", 0);

    box.close("bob", "phone", "s1");

    assertThat(box.device("bob", "phone").getOnline()).isTrue();
    assertThat(box.device("bob", "phone").getSession()).isEqualTo("s2");
  }

  @Test
  void shouldForgetTheLeastRecentlyActiveOfflineDeviceWhenTheTableIsFull() {
    MailboxSettings two = new MailboxSettings(java.time.Duration.ofDays(30), java.time.Duration.ofDays(1),
        java.time.Duration.ofSeconds(45), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30), 256, 2,
        java.time.Duration.ofSeconds(60), 32, true);
    restartWith(two);
    box.open("bob", "old", "gw-1", "s1", 0);
    box.close("bob", "old", "s1");
    box.advance(Duration.ofSeconds(1));
    box.open("bob", "phone", "gw-1", "s2", 0);

    box.open("bob", "tablet", "gw-1", "s3", 0);

    assertThat(box.device("bob", "old")).isNull();
    assertThat(box.device("bob", "phone")).isNotNull();
    assertThat(box.device("bob", "tablet")).isNotNull();
  }

  @Test
  void shouldTellTheOldSocketWhenADeviceConnectsAgainElsewhere() {
    box.open("bob", "phone", "gw-1", "s1", 0);

    box.open("bob", "phone", "gw-2", "s2", 0);

    assertThat(box.deliveries("gw-1")).singleElement().satisfies(d -> {
      assertThat(d.getNotice().getCode()).isEqualTo(MailboxProcessor.SESSION_REPLACED);
      assertThat(d.getTargets()).containsExactly(new DeliveryTarget("phone", "s1"));
    });
  }

  @Test
  void shouldResumeFromTheAcknowledgedCursorWhenTheClientGivesNone() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "one");
    box.send("alice", "bob", "two");
    box.ack("bob", "phone", 1, ReceiptStatus.DELIVERED);
    box.deliveries("gw-1");

    box.open("bob", "phone", "gw-1", "s2", -1);

    assertThat(box.deliveries("gw-1")).filteredOn(d -> d.getEnvelope() != null)
        .extracting(MailboxProcessorTest::body).containsExactly("two");
  }

  // --- history and corrupt input ---

  @Test
  void shouldWriteEachDirectMessageToHistoryOnceKeyedByConversation() {
    box.send("bob", "alice", "m-1", "hello");
    box.send("bob", "alice", "m-1", "hello");

    List<TestRecord<String, StoredMessage>> out = box.messages.readRecordsToList();
    assertThat(out).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("dm:alice:bob");
      assertThat(r.value().getMessage().getBody()).isEqualTo("hello");
    });
  }

  @Test
  void shouldSendACorruptRecordToTheDeadLetterTopicAndKeepProcessing() {
    byte[] garbage = "\u00c3\u0001 definitely not avro".getBytes(StandardCharsets.ISO_8859_1);
    box.rawMailbox.pipeInput("bob".getBytes(StandardCharsets.UTF_8), garbage);
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.send("alice", "bob", "after the garbage");

    var dead = box.deadLetters.readRecordsToList();
    assertThat(dead).singleElement().satisfies(r -> {
      assertThat(r.value()).isEqualTo(garbage);
      assertThat(r.headers().lastHeader(DecodingProcessor.REASON)).isNotNull();
      assertThat(new String(r.headers().lastHeader(DecodingProcessor.SOURCE_TOPIC).value(), StandardCharsets.UTF_8))
          .isEqualTo("parley.mailbox");
    });
    assertThat(box.deliveries("gw-1")).extracting(MailboxProcessorTest::body).containsExactly("after the garbage");
  }

  @Test
  void shouldDeadLetterRecordsWhoseKeyIsNotAUser() {
    box.send("alice", "bob", "fine");
    box.rawMailbox.pipeInput(null, new byte[] {1, 2, 3});
    box.rawMailbox.pipeInput("BOB|1".getBytes(StandardCharsets.UTF_8), new byte[] {1});

    assertThat(box.deadLetters.readRecordsToList()).hasSize(2);
    assertThat(box.inboxSeqs("bob")).containsExactly(1L);
  }
}
