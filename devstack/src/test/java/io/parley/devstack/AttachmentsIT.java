package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import io.parley.client.media.Attachment;
import io.parley.client.media.MediaClient;
import io.parley.http.HttpJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Media end to end in the local stack: a picture uploaded to the asset service (real S3 API server),
 * sent as an attachment over a WebSocket through Kafka, received on another gateway and downloaded
 * by the recipient through a signed URL; and attachments naming assets nobody uploaded are refused.
 */
@Timeout(120)
class AttachmentsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger USERS = new AtomicInteger();
  private static StackFixture it;
  private static Path files;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(2);
    files = Files.createTempDirectory("parley-media-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (it != null) {
      it.close();
    }
    StackFixture.deleteQuietly(files);
  }

  static String user(String name) throws Exception {
    String id = name + USERS.incrementAndGet();
    it.users(id);
    return id;
  }

  MediaClient media(String user) {
    return new MediaClient(it.stack.gateway(0).uri(), it.stack.tokens().issue(user, "phone"));
  }

  static String sendFrame(String to, String body, Attachment attachment) {
    ObjectNode frame = HttpJson.MAPPER.createObjectNode().put("type", "send").put("id", UUID.randomUUID().toString())
        .put("body", body);
    frame.putObject("to").put("user", to);
    frame.putArray("attachments").add(attachment.toJson());
    return frame.toString();
  }

  @Test
  void shouldDeliverAPictureThatTheRecipientDownloadsAndDecrypts() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    byte[] picture = new byte[300_000];
    new Random(7).nextBytes(picture);
    Path file = Files.write(files.resolve("cat.jpg"), picture);

    Attachment attachment = media(alice).sendFile(file, "image/jpeg");
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(1, bob, "phone");
    a.sendRaw(sendFrame(bob, "look at this", attachment));

    a.next("sent", WAIT);
    JsonNode message = b.next("message", WAIT);
    assertThat(message.get("body").asText()).isEqualTo("look at this");
    Attachment received = Attachment.fromJson(message.get("attachments").get(0));
    assertThat(received).isEqualTo(attachment);
    assertThat(received.key()).isNotBlank();
    Path saved = media(bob).download(received, files.resolve("from-alice.jpg"));
    assertThat(Files.readAllBytes(saved)).isEqualTo(picture);
  }

  @Test
  void shouldUploadContentEveryoneSharesOnlyOnce() throws Exception {
    String alice = user("alice");
    String carol = user("carol");
    Path meme = Files.writeString(files.resolve("meme.gif"), "the same viral bytes " + UUID.randomUUID());

    MediaClient.Upload first = media(alice).upload(meme);
    MediaClient.Upload second = media(carol).upload(meme);

    assertThat(first.transferred()).isTrue();
    assertThat(second.transferred()).isFalse();
    assertThat(second.asset()).isEqualTo(first.asset());
  }

  @Test
  void shouldRefuseAnAttachmentThatWasNeverUploadedAndKeepTheSocket() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(1, bob, "phone");

    a.sendRaw(sendFrame(bob, "ghost", new Attachment("f".repeat(64), "image/png", 10, null, "ghost.png")));
    JsonNode error = a.next("error", WAIT);
    assertThat(error.get("code").asText()).isEqualTo("unknown_asset");

    a.sendRaw(sendFrame(bob, "not a hash", new Attachment("../../etc/passwd", "image/png", 10, null, null)));
    assertThat(a.next("error", WAIT).get("code").asText()).isEqualTo("bad_request");

    String id = a.send(bob, "still here");
    assertThat(a.next("sent", WAIT).get("id").asText()).isEqualTo(id);
    JsonNode message = b.next("message", WAIT);
    assertThat(message.get("body").asText()).isEqualTo("still here");
    assertThat(b.drain("message", Duration.ofMillis(500))).isEmpty();
  }

  @Test
  void shouldCarryAttachmentsThroughTheClientSdkAndItsOutbox() throws Exception {
    String alice = user("alice");
    String dave = user("dave");
    Path file = Files.writeString(files.resolve("notes.txt"), "minutes of the meeting " + UUID.randomUUID());
    Attachment attachment = media(alice).sendFile(file, "text/plain");
    java.util.concurrent.BlockingQueue<JsonNode> daveSees = new java.util.concurrent.LinkedBlockingQueue<>();
    Incoming recorder = new Incoming() {
      @Override
      public void message(long seq, String id, String from, String conversation, String body, long at, JsonNode raw) {
        daveSees.add(raw);
      }
    };
    java.net.URI ws = it.stack.gateway(0).webSocketUri();
    try (Outbox aliceBox = new Outbox(files.resolve(alice + ".db"));
         ParleyClient sdk = new ParleyClient(ws, it.stack.tokens().issue(alice, "laptop"), aliceBox, new Incoming() { });
         Outbox daveBox = new Outbox(files.resolve(dave + ".db"));
         ParleyClient daveSdk = new ParleyClient(ws, it.stack.tokens().issue(dave, "laptop"), daveBox, recorder)) {
      daveSdk.start();
      sdk.start();
      sdk.send(dave, false, "the notes", java.util.List.of(attachment));

      JsonNode message = daveSees.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      assertThat(message).isNotNull();
      Attachment received = Attachment.fromJson(message.get("attachments").get(0));
      assertThat(received).isEqualTo(attachment);
      Path saved = media(dave).download(received, files.resolve("notes-for-dave.txt"));
      assertThat(Files.readString(saved)).isEqualTo(Files.readString(file));
    }
  }
}
