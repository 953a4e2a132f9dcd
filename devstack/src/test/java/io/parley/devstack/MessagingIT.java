package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 1:1 messaging through the real broker, the real topology and two gateways, over real WebSockets. */
@Timeout(120)
class MessagingIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger USERS = new AtomicInteger();
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(2);
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  /** Fresh user ids per test, so tests sharing the stack never see each other's mailboxes. */
  static String user(String name) throws Exception {
    String id = name + USERS.incrementAndGet();
    it.users(id);
    return id;
  }

  @Test
  void shouldDeliverToAUserOnlineOnAnotherGateway() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(1, bob, "phone");

    String id = a.send(bob, "hello bob");

    JsonNode sent = a.next("sent", WAIT);
    assertThat(sent.get("id").asText()).isEqualTo(id);
    JsonNode message = b.next("message", WAIT);
    assertThat(message.get("seq").asLong()).isEqualTo(1);
    assertThat(message.get("id").asText()).isEqualTo(id);
    assertThat(message.get("from").asText()).isEqualTo(alice);
    assertThat(message.get("body").asText()).isEqualTo("hello bob");
    assertThat(message.get("conversation").asText()).isEqualTo(io.parley.model.Conversations.direct(alice, bob));
    assertThat(message.get("at").asLong()).isEqualTo(sent.get("at").asLong());
  }

  @Test
  void shouldTurnOneCumulativeAckIntoAReceiptForEveryMessageItCovers() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(1, bob, "phone");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(a.send(bob, "batch " + i));
    }
    long last = 0;
    for (int i = 0; i < 5; i++) {
      last = Math.max(last, b.next("message", WAIT).get("seq").asLong());
    }

    b.ackUpTo(last, "delivered");
    List<String> delivered = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      JsonNode r = a.next("receipt", WAIT);
      assertThat(r.get("status").asText()).isEqualTo("delivered");
      delivered.add(r.get("id").asText());
    }
    b.ackUpTo(last, "read");
    List<String> read = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      JsonNode r = a.next("receipt", WAIT);
      assertThat(r.get("status").asText()).isEqualTo("read");
      read.add(r.get("id").asText());
    }

    assertThat(delivered).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(read).containsExactlyInAnyOrderElementsOf(ids);
    b.ackUpTo(last, "read");
    assertThat(a.drain("receipt", Duration.ofMillis(500))).isEmpty();
  }

  @Test
  void shouldGiveAnOfflineUserEverythingInSeqOrderWhenItConnects() throws Exception {
    String alice = user("alice");
    String carol = user("carol");
    WsClient a = it.connect(0, alice, "phone");
    for (int i = 1; i <= 20; i++) {
      a.send(carol, "message " + i);
    }
    for (int i = 0; i < 20; i++) {
      a.next("sent", WAIT);
    }

    WsClient c = it.connect(1, carol, "phone");

    List<Long> seqs = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      JsonNode m = c.next("message", WAIT);
      seqs.add(m.get("seq").asLong());
      bodies.add(m.get("body").asText());
    }
    assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize(20).startsWith(1L).endsWith(20L);
    assertThat(bodies.get(0)).isEqualTo("message 1");
    assertThat(bodies.get(19)).isEqualTo("message 20");
  }

  @Test
  void shouldBringDeliveredAndReadReceiptsToTheSender() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(1, bob, "phone");
    String id = a.send(bob, "did you get this?");
    long seq = b.next("message", WAIT).get("seq").asLong();

    b.ack(seq, "delivered");
    b.ack(seq, "read");

    JsonNode delivered = a.next("receipt", WAIT);
    JsonNode read = a.next("receipt", WAIT);
    assertThat(delivered.get("status").asText()).isEqualTo("delivered");
    assertThat(read.get("status").asText()).isEqualTo("read");
    assertThat(delivered.get("id").asText()).isEqualTo(id);
    assertThat(delivered.get("by").asText()).isEqualTo(bob);
    assertThat(read.get("seq").asLong()).isGreaterThan(delivered.get("seq").asLong());
  }

  @Test
  void shouldKeepReceiptsForASenderWhoWentOffline() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = it.connect(0, alice, "phone");
    String id = a.send(bob, "reply when you can");
    a.next("sent", WAIT);
    a.close();
    a.awaitClose(WAIT);

    WsClient b = it.connect(1, bob, "phone");
    long seq = b.next("message", WAIT).get("seq").asLong();
    b.ack(seq, "delivered");
    b.ack(seq, "read");
    Thread.sleep(500);

    WsClient back = it.connect(1, alice, "phone");
    JsonNode first = back.next("receipt", WAIT);
    JsonNode second = back.next("receipt", WAIT);
    assertThat(List.of(first.get("status").asText(), second.get("status").asText())).containsExactly("delivered", "read");
    assertThat(first.get("id").asText()).isEqualTo(id);
  }

  @Test
  void shouldDeliverAResentClientIdOnce() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(1, bob, "phone");

    String id = java.util.UUID.randomUUID().toString();
    a.send(id, bob, "only once");
    a.next("sent", WAIT);
    a.send(id, bob, "only once");
    a.next("sent", WAIT);
    a.send(bob, "after the duplicate");

    JsonNode first = b.next("message", WAIT);
    JsonNode second = b.next("message", WAIT);
    assertThat(first.get("id").asText()).isEqualTo(id);
    assertThat(second.get("body").asText()).isEqualTo("after the duplicate");
    assertThat(second.get("seq").asLong()).isEqualTo(first.get("seq").asLong() + 1);
  }

  @Test
  void shouldDeliverToEveryDeviceOfTheRecipient() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient phone = it.connect(0, bob, "phone");
    WsClient laptop = it.connect(1, bob, "laptop");
    WsClient a = it.connect(0, alice, "phone");

    String id = a.send(bob, "to all your devices");

    assertThat(phone.next("message", WAIT).get("id").asText()).isEqualTo(id);
    JsonNode onLaptop = laptop.next("message", WAIT);
    assertThat(onLaptop.get("id").asText()).isEqualTo(id);
    assertThat(onLaptop.get("seq").asLong()).isEqualTo(1);
  }

  @Test
  void shouldReplaceAnOlderConnectionOfTheSameDevice() throws Exception {
    String bob = user("bob");
    String alice = user("alice");
    WsClient first = it.connect(0, bob, "phone");
    WsClient second = it.connect(1, bob, "phone");

    assertThat(first.awaitClose(WAIT)).isEqualTo(io.parley.gateway.session.ClientSocket.CLOSE_REPLACED);
    WsClient a = it.connect(0, alice, "phone");
    a.send(bob, "to the newer connection");
    assertThat(second.next("message", WAIT).get("body").asText()).isEqualTo("to the newer connection");
  }

  @Test
  void shouldResendUnacknowledgedMessagesOnSync() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(1, bob, "phone");
    a.send(bob, "one");
    a.send(bob, "two");
    long one = b.next("message", WAIT).get("seq").asLong();
    b.next("message", WAIT);
    b.ack(one, "delivered");

    b.sync(0);

    JsonNode again = b.next("message", WAIT);
    assertThat(again.get("body").asText()).isEqualTo("two");
  }
}
