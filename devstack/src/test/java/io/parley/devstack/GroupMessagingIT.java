package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.directory.users.Passwords;
import io.parley.directory.users.User;
import io.parley.directory.users.Users;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Groups end to end: HTTP sign-up and group creation, WebSocket sends, fan-out through the topology. */
@Timeout(300)
class GroupMessagingIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static StackFixture it;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(2, Map.of("gateway.sends.per.second", "1000"));
    http = new Http(it.stack.gateway(0).uri());
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  private static WsClient socket(int gateway, String token) throws Exception {
    return WsClient.connect(it.client, it.stack.gateway(gateway).webSocketUri(), token);
  }

  private static String groupOf(String creatorToken, String name, List<String> members) throws Exception {
    Http.Reply created = http.post("/v1/groups", Map.of("name", name, "members", members), creatorToken);
    assertThat(created.status()).isEqualTo(201);
    return created.body().get("id").asText();
  }

  private static String sendToGroup(WsClient ws, String group, String body) throws Exception {
    String id = java.util.UUID.randomUUID().toString();
    ws.sendRaw(WsClient.JSON.createObjectNode().put("type", "send").put("id", id).put("body", body)
        .set("to", WsClient.JSON.createObjectNode().put("group", group)).toString());
    return id;
  }

  @Test
  void shouldDeliverEveryMessageSentTheMomentAGroupIsCreated() throws Exception {
    String fay = http.signUpAndIn("fay", "phone");
    String gil = http.signUpAndIn("gil", "phone");
    WsClient f = socket(0, fay);
    WsClient g = socket(1, gil);
    int groups = 50;
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < groups; i++) {
      // No waiting for the topology to learn the group: the send follows the 201 at once.
      String group = groupOf(fay, "race " + i, List.of("gil"));
      sent.add(sendToGroup(f, group, "first words " + i));
    }
    for (int i = 0; i < groups; i++) {
      JsonNode answer = f.next(fr -> List.of("sent", "error").contains(fr.path("type").asText()), WAIT);
      assertThat(answer.get("type").asText()).as("answer %d: %s", i, answer).isEqualTo("sent");
    }

    List<String> received = new ArrayList<>();
    while (received.size() < groups) {
      JsonNode m = g.next("message", WAIT);
      received.add(m.get("id").asText());
      g.ack(m.get("seq").asLong(), "delivered");
    }

    assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(f.drain("error", Duration.ofSeconds(2))).isEmpty();
  }

  @Test
  void shouldDeliverAGroupMessageOnceToEveryOtherMemberAndBringBackTheirReceipts() throws Exception {
    String ann = http.signUpAndIn("ann", "phone");
    String ben = http.signUpAndIn("ben", "phone");
    String cat = http.signUpAndIn("cat", "phone");
    String group = groupOf(ann, "Trio", List.of("ben", "cat"));

    WsClient a = socket(0, ann);
    WsClient b = socket(1, ben);                      // cat stays offline for now
    it.awaitGroup(group, List.of("ann", "ben", "cat"));
    String id = sendToGroup(a, group, "hello trio");
    assertThat(a.next("sent", WAIT).get("id").asText()).isEqualTo(id);

    JsonNode toBen = b.next("message", WAIT);
    assertThat(toBen.get("id").asText()).isEqualTo(id);
    assertThat(toBen.get("conversation").asText()).isEqualTo("group:" + group);
    assertThat(toBen.get("group").asText()).isEqualTo(group);
    assertThat(toBen.get("from").asText()).isEqualTo("ann");
    b.ack(toBen.get("seq").asLong(), "read");

    WsClient c = socket(1, cat);
    JsonNode toCat = c.next("message", WAIT);
    assertThat(toCat.get("id").asText()).isEqualTo(id);
    c.ack(toCat.get("seq").asLong(), "delivered");

    List<String> receipts = new ArrayList<>();
    receipts.add(a.next("receipt", WAIT).get("by").asText());
    receipts.add(a.next("receipt", WAIT).get("by").asText());
    assertThat(receipts).containsExactlyInAnyOrder("ben", "cat");
    assertThat(a.drain("message", Duration.ofSeconds(1))).isEmpty();   // the sender gets no copy
    assertThat(b.drain("message", Duration.ofSeconds(1))).isEmpty();   // nobody gets it twice
    assertThat(c.drain("message", Duration.ofSeconds(1))).isEmpty();
  }

  @Test
  void shouldRefuseANonMemberAndStopDeliveringToARemovedMember() throws Exception {
    String dan = http.signUpAndIn("dan", "phone");
    String eve = http.signUpAndIn("eve", "phone");
    String fay = http.signUpAndIn("fay", "phone");
    String group = groupOf(dan, "Pair", List.of("fay"));
    WsClient d = socket(0, dan);
    WsClient e = socket(1, eve);
    WsClient f = socket(1, fay);
    it.awaitGroup(group, List.of("dan", "fay"));

    sendToGroup(e, group, "let me in");
    JsonNode refused = e.next("error", WAIT);
    assertThat(refused.get("code").asText()).isEqualTo("not_member");

    assertThat(http.delete("/v1/groups/" + group + "/members/fay", dan).status()).isEqualTo(200);
    it.awaitGroup(group, List.of("dan"));
    sendToGroup(d, group, "fay is gone");
    d.next("sent", WAIT);
    assertThat(f.drain("message", Duration.ofSeconds(3))).isEmpty();
    sendToGroup(f, group, "can I still post?");
    assertThat(f.next("error", WAIT).get("code").asText()).isEqualTo("not_member");
  }

  @Test
  void shouldFanAMessageOutToAThousandMembers() throws Exception {
    int members = 1000;
    List<String> ids = new ArrayList<>();
    List<User> rows = new ArrayList<>();
    String hash = new Passwords(1024, 1).hash(StackFixture.PASSWORD);
    long now = System.currentTimeMillis();
    for (int i = 0; i < members; i++) {
      String id = "m" + i;
      ids.add(id);
      rows.add(new User(id, hash, "Member " + i, "", null, now, now));
    }
    var directory = it.stack.service(DirectoryLocalService.class).directory();
    directory.database().jdbi().useExtension(Users.class, u -> u.insertAll(rows));
    String group = directory.directory().createGroup("m0", "Stadium", ids.subList(1, members)).id();

    List<WsClient> sockets = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      sockets.add(WsClient.connect(it.client, it.stack.gateway(i % 2).webSocketUri(), it.stack.tokens().issue(ids.get(i), "phone")));
    }
    it.awaitGroup(group, ids);

    long started = System.nanoTime();
    String id = sendToGroup(sockets.get(0), group, "welcome, everyone");
    for (int i = 1; i < members; i++) {
      assertThat(sockets.get(i).next("message", Duration.ofSeconds(60)).get("id").asText()).isEqualTo(id);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("fan-out to %d members: last delivery after %.3f s%n", members - 1, seconds);
    for (int i = 1; i < members; i++) {
      assertThat(sockets.get(i).drain("message", Duration.ofMillis(i == 1 ? 1000 : 0))).isEmpty();
    }
    sockets.forEach(WsClient::close);
  }
}
