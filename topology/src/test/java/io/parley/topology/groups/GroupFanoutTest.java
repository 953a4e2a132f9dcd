package io.parley.topology.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.ChatMessage;
import io.parley.schemas.Deliver;
import io.parley.schemas.Delivery;
import io.parley.schemas.Envelope;
import io.parley.schemas.GroupReceipt;
import io.parley.schemas.Receipt;
import io.parley.schemas.ReceiptStatus;
import io.parley.topology.handoff.Handoff;
import io.parley.topology.mailbox.MailboxHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupFanoutTest {
  private static final String GROUP = "gfriends1";
  private MailboxHarness box;

  @BeforeEach
  void start() {
    box = new MailboxHarness(MailboxHarness.defaults());
    box.members(GROUP, 1, "alice", "bob", "carol");
    for (String user : List.of("alice", "bob", "carol", "dave")) {
      box.open(user, "phone", "gw-1", "s-" + user, 0);
    }
  }

  @AfterEach
  void stop() {
    box.close();
  }

  private List<Delivery> messagesFor(List<Delivery> out, String user) {
    return out.stream().filter(d -> d.getUser().equals(user) && d.getEnvelope() != null
        && d.getEnvelope().getPayload() instanceof ChatMessage).toList();
  }

  @Test
  void shouldDeliverAMembersMessageToEveryOtherMemberButTheSender() {
    box.sendToGroup("alice", GROUP, "m1", "hello all");

    List<Delivery> out = box.deliveries("gw-1");
    assertThat(messagesFor(out, "bob")).singleElement().satisfies(d -> {
      assertThat(d.getSeq()).isEqualTo(1L);
      ChatMessage m = (ChatMessage) d.getEnvelope().getPayload();
      assertThat(m.getConversation()).isEqualTo("group:" + GROUP);
      assertThat(m.getGroup()).isEqualTo(GROUP);
      assertThat(m.getFrom()).isEqualTo("alice");
    });
    assertThat(messagesFor(out, "carol")).hasSize(1);
    assertThat(messagesFor(out, "alice")).isEmpty();
    assertThat(messagesFor(out, "dave")).isEmpty();
  }

  @Test
  void shouldStoreAGroupMessageInHistoryOnce() {
    box.sendToGroup("alice", GROUP, "m1", "hello all");

    assertThat(box.history()).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("group:" + GROUP);
      assertThat(r.value().getRecipients()).containsExactlyInAnyOrder("bob", "carol");
    });
  }

  @Test
  void shouldRefuseANonMembersMessageWithANoticeToTheSendingDevice() {
    box.sendToGroup("dave", GROUP, "m9", "let me in");

    List<Delivery> out = box.deliveries("gw-1");
    assertThat(out).singleElement().satisfies(d -> {
      assertThat(d.getUser()).isEqualTo("dave");
      assertThat(d.getNotice().getCode()).isEqualTo(GroupFanout.NOT_MEMBER);
      assertThat(d.getNotice().getRef()).isEqualTo("m9");
    });
    assertThat(box.history()).isEmpty();
  }

  @Test
  void shouldRefuseMessagesToAGroupItHasNeverHeardOf() {
    box.sendToGroup("alice", "gunknown1", "m2", "anyone?");

    assertThat(box.deliveries("gw-1")).singleElement()
        .satisfies(d -> assertThat(d.getNotice().getCode()).isEqualTo(GroupFanout.NOT_MEMBER));
  }

  @Test
  void shouldSendNothingToAMemberRemovedBeforeTheMessage() {
    box.members(GROUP, 2, "alice", "carol");

    box.sendToGroup("alice", GROUP, "m3", "bob is gone");

    List<Delivery> out = box.deliveries("gw-1");
    assertThat(messagesFor(out, "bob")).isEmpty();
    assertThat(messagesFor(out, "carol")).hasSize(1);
    assertThat(box.history()).singleElement().satisfies(r -> assertThat(r.value().getRecipients()).containsExactly("carol"));
  }

  @Test
  void shouldIgnoreAMemberSetOlderThanTheOneItHas() {
    box.members(GROUP, 3, "alice", "carol");
    box.members(GROUP, 2, "alice", "bob", "carol"); // a late repeat from the relay

    box.sendToGroup("alice", GROUP, "m4", "still without bob");

    assertThat(messagesFor(box.deliveries("gw-1"), "bob")).isEmpty();
  }

  @Test
  void shouldRefuseAMemberWhoLeft() {
    box.members(GROUP, 2, "bob", "carol");

    box.sendToGroup("alice", GROUP, "m5", "am I still here?");

    assertThat(box.deliveries("gw-1")).singleElement()
        .satisfies(d -> assertThat(d.getNotice().getCode()).isEqualTo(GroupFanout.NOT_MEMBER));
  }

  @Test
  void shouldDeliverToAnOfflineMemberWhenItConnects() {
    box.close("carol", "phone", "s-carol");
    box.sendToGroup("alice", GROUP, "m6", "for later");
    box.deliveries("gw-1");

    box.open("carol", "phone", "gw-2", "s-carol-2", 0);

    assertThat(messagesFor(box.deliveries("gw-2"), "carol")).singleElement()
        .satisfies(d -> assertThat(((ChatMessage) d.getEnvelope().getPayload()).getBody()).isEqualTo("for later"));
  }

  @Test
  void shouldSendTheSenderOneReceiptPerMember() {
    box.sendToGroup("alice", GROUP, "m7", "read me");
    box.deliveries("gw-1");

    box.ack("bob", "phone", 1, ReceiptStatus.READ);
    box.ack("carol", "phone", 1, ReceiptStatus.DELIVERED);

    List<Receipt> receipts = box.deliveries("gw-1").stream().filter(d -> d.getUser().equals("alice"))
        .map(d -> (Receipt) d.getEnvelope().getPayload()).toList();
    assertThat(receipts).extracting(Receipt::getBy, Receipt::getStatus).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("bob", ReceiptStatus.READ),
        org.assertj.core.groups.Tuple.tuple("carol", ReceiptStatus.DELIVERED));
    assertThat(receipts).allSatisfy(r -> assertThat(r.getConversation()).isEqualTo("group:" + GROUP));
  }

  private List<Receipt> receiptsFor(String user, List<Delivery> out) {
    return out.stream().filter(d -> d.getUser().equals(user) && d.getEnvelope() != null
        && d.getEnvelope().getPayload() instanceof Receipt).map(d -> (Receipt) d.getEnvelope().getPayload()).toList();
  }

  private void bigGroup(String group, int members) {
    List<String> all = new java.util.ArrayList<>();
    for (int i = 0; i < members; i++) {
      all.add("m" + i);
    }
    box.members(group, 1, all.toArray(String[]::new));
    all.forEach(u -> box.open(u, "phone", "gw-1", "s-" + u, 0));
    box.deliveries("gw-1");
  }

  @Test
  void shouldGiveTheSenderOfALargeGroupOneReceiptOnceEveryMemberHasTheMessage() {
    restartWithMemberReceiptsMax(3);
    bigGroup("gbig1", 6);
    box.sendToGroup("m0", "gbig1", "x1", "to many");
    box.deliveries("gw-1");

    for (int i = 1; i < 5; i++) {
      box.ack("m" + i, "phone", 1, ReceiptStatus.DELIVERED);
    }
    assertThat(receiptsFor("m0", box.deliveries("gw-1"))).isEmpty();
    box.ack("m5", "phone", 1, ReceiptStatus.DELIVERED);

    assertThat(receiptsFor("m0", box.deliveries("gw-1"))).singleElement().satisfies(r -> {
      assertThat(r.getStatus()).isEqualTo(ReceiptStatus.DELIVERED);
      assertThat(r.getBy()).isEqualTo("gbig1");
      assertThat(r.getMessageId()).isEqualTo("x1");
      assertThat(r.getConversation()).isEqualTo("group:gbig1");
    });
  }

  @Test
  void shouldGiveTheSenderOfALargeGroupOneReadReceiptOnceEveryMemberReadIt() {
    restartWithMemberReceiptsMax(3);
    bigGroup("gbig1", 6);
    box.sendToGroup("m0", "gbig1", "x1", "to many");
    box.deliveries("gw-1");

    // m1..m3 read without a delivered ack first; m4 and m5 ack delivered, then read (twice over).
    for (int i = 1; i < 4; i++) {
      box.ack("m" + i, "phone", 1, ReceiptStatus.READ);
    }
    for (int i = 4; i < 6; i++) {
      box.ack("m" + i, "phone", 1, ReceiptStatus.DELIVERED);
      box.ack("m" + i, "phone", 1, ReceiptStatus.READ);
      box.ack("m" + i, "phone", 1, ReceiptStatus.READ);
    }

    assertThat(receiptsFor("m0", box.deliveries("gw-1"))).extracting(Receipt::getStatus)
        .containsExactly(ReceiptStatus.DELIVERED, ReceiptStatus.READ);
  }

  @Test
  void shouldApplyAMembersReceiptOnceWhenItsHandoffIsWrittenAgain() {
    restartWithMemberReceiptsMax(3);
    bigGroup("gbig1", 6);
    box.sendToGroup("m0", "gbig1", "x1", "to many");
    box.deliveries("gw-1");
    box.ack("m1", "phone", 1, ReceiptStatus.DELIVERED);
    TestRecord<String, GroupReceipt> again = box.groupReceiptsWritten().get(0);

    // A replaying task writes m1's receipt four more times: it still counts once.
    for (int i = 0; i < 4; i++) {
      box.groupReceiptsIn.pipeInput(new TestRecord<>(again.key(), again.value(), again.headers(), again.timestamp()));
    }
    for (int i = 2; i < 5; i++) {
      box.ack("m" + i, "phone", 1, ReceiptStatus.DELIVERED);
    }

    assertThat(receiptsFor("m0", box.deliveries("gw-1"))).isEmpty();
  }

  private void restartWithMemberReceiptsMax(int max) {
    box.close();
    box = new MailboxHarness(MailboxHarness.defaults().withMemberReceiptsMax(max));
  }

  // --- a message checked against a member set the topology has not seen yet ---

  private List<Delivery> notices(List<Delivery> out, String user) {
    return out.stream().filter(d -> d.getUser().equals(user) && d.getNotice() != null).toList();
  }

  @Test
  void shouldHoldAMessageSentRightAfterTheGroupWasCreatedUntilItsMembersArrive() {
    box.sendToGroupCheckedAt("alice", "gnew1", "x1", "first!", 1);
    List<Delivery> early = box.deliveries("gw-1");
    assertThat(messagesFor(early, "bob")).isEmpty();
    assertThat(notices(early, "alice")).isEmpty();

    box.members("gnew1", 1, "alice", "bob");

    assertThat(messagesFor(box.deliveries("gw-1"), "bob")).singleElement()
        .satisfies(d -> assertThat(((ChatMessage) d.getEnvelope().getPayload()).getBody()).isEqualTo("first!"));
  }

  @Test
  void shouldHoldAMessageUntilTheVersionItWasCheckedAgainstNotAnOlderOne() {
    box.sendToGroupCheckedAt("dave", GROUP, "x2", "just added", 2);
    assertThat(notices(box.deliveries("gw-1"), "dave")).isEmpty();
    box.members(GROUP, 1, "alice", "bob", "carol");
    assertThat(box.deliveries("gw-1")).isEmpty();

    box.members(GROUP, 2, "alice", "bob", "carol", "dave");

    assertThat(messagesFor(box.deliveries("gw-1"), "alice")).hasSize(1);
  }

  @Test
  void shouldReleaseHeldMessagesInTheOrderTheyWereSent() {
    box.sendToGroupCheckedAt("alice", "gnew2", "y1", "one", 1);
    box.sendToGroupCheckedAt("alice", "gnew2", "y2", "two", 1);
    box.members("gnew2", 1, "alice", "bob");

    assertThat(messagesFor(box.deliveries("gw-1"), "bob"))
        .extracting(d -> ((ChatMessage) d.getEnvelope().getPayload()).getBody()).containsExactly("one", "two");
  }

  @Test
  void shouldRefuseAHeldMessageWhoseSenderIsNotInTheSetItWaitedFor() {
    box.sendToGroupCheckedAt("dave", GROUP, "x3", "removed meanwhile", 2);

    box.members(GROUP, 2, "alice", "bob");

    assertThat(notices(box.deliveries("gw-1"), "dave")).singleElement()
        .satisfies(d -> assertThat(d.getNotice().getCode()).isEqualTo("not_member"));
  }

  @Test
  void shouldRefuseAMessageToADeletedGroupWithoutHoldingIt() {
    box.groupMembers.pipeInput(GROUP, new io.parley.schemas.GroupMembers(GROUP, 3L, List.of("alice", "bob"), true));

    box.sendToGroupCheckedAt("alice", GROUP, "x4", "too late", 2);

    assertThat(notices(box.deliveries("gw-1"), "alice")).hasSize(1);
    assertThat(messagesFor(box.deliveries("gw-1"), "bob")).isEmpty();
  }

  @Test
  void shouldGiveAMemberAGroupMessageOnceWhenItsHandoffIsWrittenAgain() {
    box.close();
    box = MailboxHarness.recordingHandoffs(MailboxHarness.defaults());
    box.members(GROUP, 1, "alice", "bob", "carol");
    box.open("bob", "phone", "gw-1", "s-bob", 0);
    box.sendToGroup("alice", GROUP, "m9", "once only");
    TestRecord<String, io.parley.schemas.MailboxCommand> toBob = box.handedOff.stream()
        .filter(r -> recipients(r).contains("bob")).findFirst().orElseThrow();

    // The fan-out's task aborted and replayed: the same stamped hand-off arrives three times.
    box.deliverHandoff(toBob);
    box.deliverHandoff(toBob);
    box.deliverHandoff(toBob);

    assertThat(messagesFor(box.deliveries("gw-1"), "bob")).singleElement().satisfies(d -> assertThat(d.getSeq()).isEqualTo(1L));
  }

  @Test
  void shouldHandAMessageToEachMailboxPartitionOnceNamingEveryMemberThere() {
    box.close();
    box = MailboxHarness.recordingHandoffs(MailboxHarness.defaults());
    List<String> everyone = IntStream.rangeClosed(1, 40).mapToObj(i -> "member" + i).toList();
    box.members(GROUP, 1, everyone.toArray(String[]::new));
    everyone.forEach(user -> box.open(user, "phone", "gw-1", "s-" + user, 0));
    box.sendToGroup("member1", GROUP, "m11", "hello forty");

    int partitions = box.mailboxPartitions();
    List<TestRecord<String, io.parley.schemas.MailboxCommand>> handoffs = List.copyOf(box.handedOff);
    Set<Integer> written = new HashSet<>();
    for (TestRecord<String, io.parley.schemas.MailboxCommand> handoff : handoffs) {
      int partition = Handoff.partitionOf(handoff.key(), partitions);
      assertThat(written.add(partition)).as("one hand-off for partition %d", partition).isTrue();
      assertThat(recipients(handoff)).allSatisfy(member -> assertThat(Handoff.partitionOf(member, partitions)).isEqualTo(partition));
    }
    List<String> others = everyone.subList(1, everyone.size());
    assertThat(handoffs.stream().flatMap(r -> recipients(r).stream())).containsExactlyInAnyOrderElementsOf(others);
    assertThat(handoffs).hasSizeLessThanOrEqualTo(partitions);

    handoffs.forEach(box::deliverHandoff);
    List<Delivery> out = box.deliveries("gw-1");
    for (String member : others) {
      assertThat(messagesFor(out, member)).as(member).singleElement().satisfies(d -> assertThat(d.getSeq()).isEqualTo(1L));
    }
    assertThat(messagesFor(out, "member1")).isEmpty();
  }

  @Test
  void shouldHandAMessageToEveryMemberOnItsOwnWithBatchingOff() {
    box.close();
    box = MailboxHarness.recordingHandoffs(MailboxHarness.defaults().withBatchedGroupHandoffs(false));
    List<String> everyone = IntStream.rangeClosed(1, 20).mapToObj(i -> "member" + i).toList();
    box.members(GROUP, 1, everyone.toArray(String[]::new));
    box.sendToGroup("member1", GROUP, "m12", "one each");

    assertThat(box.handedOff).hasSize(19).allSatisfy(r -> assertThat(recipients(r)).containsExactly(r.key()));
  }

  @Test
  void shouldIgnoreMoreRecipientsOnADirectMessage() {
    ChatMessage direct = ChatMessage.newBuilder().setId("d1").setFrom("alice").setFromDevice("phone")
        .setConversation(io.parley.model.Conversations.direct("alice", "bob")).setBody("just bob").setSentAt(box.now()).build();
    box.command("bob", new io.parley.schemas.MailboxCommand(new Deliver(new Envelope(direct), List.of("carol", "dave"))));

    List<Delivery> out = box.deliveries("gw-1");
    assertThat(messagesFor(out, "bob")).hasSize(1);
    assertThat(messagesFor(out, "carol")).isEmpty();
    assertThat(messagesFor(out, "dave")).isEmpty();
  }

  /** The members a recorded mailbox hand-off puts a message into: its key, then alsoTo. */
  private static List<String> recipients(TestRecord<String, io.parley.schemas.MailboxCommand> handoff) {
    if (!(handoff.value().getCommand() instanceof Deliver d)) {
      return List.of();
    }
    List<String> all = new ArrayList<>();
    all.add(handoff.key());
    all.addAll(d.getAlsoTo());
    return all;
  }

  @Test
  void shouldDeliverAResentGroupMessageOnce() {
    box.sendToGroup("alice", GROUP, "m8", "once");
    box.sendToGroup("alice", GROUP, "m8", "once");

    assertThat(messagesFor(box.deliveries("gw-1"), "bob")).hasSize(1);
    assertThat(box.history()).hasSize(1);
  }

  @Test
  void shouldDeadLetterACorruptGroupMessage() {
    box.rawGroupMessages.pipeInput(GROUP.getBytes(StandardCharsets.UTF_8), "nope".getBytes(StandardCharsets.UTF_8));
    box.sendToGroup("alice", GROUP, "m10", "after the garbage");

    assertThat(box.deadLetters.readValuesToList()).hasSize(1);
    assertThat(messagesFor(box.deliveries("gw-1"), "bob")).hasSize(1);
  }
}
