package io.parley.assets;

import static io.parley.assets.AssetFixture.randomBytes;
import static io.parley.assets.AssetFixture.sha256;
import static io.parley.assets.AssetFixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.assets.s3proxy.LocalS3;
import io.parley.http.HttpJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The asset API against a real S3 API server (s3proxy over a folder), one bucket per test. */
class AssetsIT {
  private static final int MIB = 1024 * 1024;
  @TempDir
  static Path s3Dir;
  static LocalS3 localS3;
  AssetFixture f;

  @BeforeAll
  static void startS3() throws Exception {
    localS3 = LocalS3.start(s3Dir, 0);
  }

  @AfterAll
  static void stopS3() {
    if (localS3 != null) {
      localS3.close();
    }
  }

  @AfterEach
  void stopServer() {
    if (f != null) {
      f.close();
    }
  }

  private AssetFixture server(Map<String, String> overrides) throws Exception {
    f = AssetFixture.start(localS3, overrides);
    return f;
  }

  @Test
  @Timeout(60)
  void shouldStoreOnceAndDeduplicateAcrossUsers() throws Exception {
    server(Map.of());
    byte[] photo = randomBytes(300_000, 1);
    String id = sha256(photo);

    assertThat(f.head(id, "alice").statusCode()).isEqualTo(404);
    HttpResponse<byte[]> created = f.put(id, photo, "alice");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/v1/assets/" + id);
    JsonNode body = HttpJson.MAPPER.readTree(created.body());
    assertThat(body.get("asset").asText()).isEqualTo(id);
    assertThat(body.get("size").asLong()).isEqualTo(photo.length);

    // bob has the same bytes: HEAD says they exist, so his client sends nothing.
    assertThat(f.head(id, "bob").statusCode()).isEqualTo(200);
    double receivedBefore = f.counter("parley_assets_received_bytes_total");
    // A client that PUTs anyway with Expect: 100-continue gets 200 at once and never sends the body.
    assertThat(expectContinuePut(id, photo.length, "bob")).isEqualTo("HTTP/1.1 200 OK");
    assertThat(f.counter("parley_assets_received_bytes_total")).isEqualTo(receivedBefore);
    assertThat(f.counter("parley_assets_uploads_total", "result", "created")).isEqualTo(1);
    assertThat(f.counter("parley_assets_uploads_total", "result", "existed")).isEqualTo(1);
    assertThat(f.counter("parley_assets_dedupe_hits_total", "via", "head")).isEqualTo(1);

    assertThat(f.keys()).containsExactly(id);
    HeadObjectResponse object = f.s3.headObject(b -> b.bucket(f.bucket).key(id));
    assertThat(object.contentLength()).isEqualTo(photo.length);
    assertThat(object.contentType()).isEqualTo("application/octet-stream");
    assertThat(object.metadata()).containsEntry("uploader", "alice").containsEntry("mime", "image/jpeg")
        .containsKey("uploaded-at");

    assertThat(download(id, "bob")).isEqualTo(photo);
  }

  @Test
  @Timeout(60)
  void shouldDiscardTheBodyOfAnUploadThatAlreadyExists() throws Exception {
    server(Map.of());
    byte[] photo = randomBytes(200_000, 2);
    String id = sha256(photo);
    assertThat(f.put(id, photo, "alice").statusCode()).isEqualTo(201);
    // No Expect header: the client sends the body at once; it is read and dropped, the connection stays usable.
    HttpResponse<byte[]> again = f.send(HttpRequest.newBuilder(f.asset(id)).header("Authorization", "Bearer " + token("bob"))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(photo)).build());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(f.head(id, "bob").statusCode()).isEqualTo(200);
    assertThat(f.keys()).containsExactly(id);
  }

  @Test
  @Timeout(120)
  void shouldUploadLargeAssetsInPartsAndServeThemWhole() throws Exception {
    server(Map.of());
    byte[] video = randomBytes(20 * MIB + 12_345, 3);
    String id = sha256(video);

    HttpResponse<byte[]> created = f.put(id, video, "alice");

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(f.keys()).containsExactly(id);
    HeadObjectResponse object = f.s3.headObject(b -> b.bucket(f.bucket).key(id));
    assertThat(object.contentLength()).isEqualTo(video.length);
    assertThat(f.counter("parley_assets_multipart_parts_total")).as("4 parts of 5 MiB and a short one").isEqualTo(5);
    assertThat(f.pendingUploads()).isEmpty();
    assertThat(sha256(download(id, "bob"))).isEqualTo(id);
  }

  @Test
  @Timeout(60)
  void shouldRefuseBytesThatDoNotMatchTheirHashAndKeepNothing() throws Exception {
    server(Map.of());
    byte[] small = randomBytes(100_000, 4);
    byte[] large = randomBytes(12 * MIB, 5);
    String wrong = sha256(randomBytes(10, 6));

    for (byte[] bytes : new byte[][] {small, large}) {
      HttpResponse<byte[]> refused = f.put(wrong, bytes, "mallory");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(HttpJson.MAPPER.readTree(refused.body()).get("code").asText()).isEqualTo("hash_mismatch");
    }

    assertThat(f.keys()).isEmpty();
    assertThat(f.pendingUploads()).isEmpty();
    assertThat(f.head(wrong, "alice").statusCode()).isEqualTo(404);
    assertThat(f.counter("parley_assets_refusals_total", "code", "hash_mismatch")).isEqualTo(2);
  }

  @Test
  @Timeout(60)
  void shouldRedirectToASignedUrlThatExpires() throws Exception {
    server(Map.of("assets.url.ttl", "2s"));
    byte[] photo = randomBytes(50_000, 7);
    String id = sha256(photo);
    assertThat(f.put(id, photo, "alice").statusCode()).isEqualTo(201);

    HttpResponse<byte[]> redirect = f.get(id, "bob");
    assertThat(redirect.statusCode()).isEqualTo(302);
    URI signed = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    assertThat(signed.getQuery()).contains("X-Amz-Signature=").contains("X-Amz-Expires=2");
    assertThat(f.send(HttpRequest.newBuilder(signed).GET().build()).body()).isEqualTo(photo);

    Thread.sleep(3_500);
    assertThat(f.send(HttpRequest.newBuilder(signed).GET().build()).statusCode()).isEqualTo(403);
    // A fresh redirect works again.
    assertThat(download(id, "bob")).isEqualTo(photo);
  }

  @Test
  @Timeout(60)
  void shouldPointDownloadsAtTheCdnWhenOneIsConfigured() throws Exception {
    server(Map.of("assets.cdn.base.url", "https://media.example.test/s3"));
    byte[] photo = randomBytes(1_000, 8);
    String id = sha256(photo);
    assertThat(f.put(id, photo, "alice").statusCode()).isEqualTo(201);

    URI location = URI.create(f.get(id, "bob").headers().firstValue("Location").orElseThrow());

    assertThat(location.getScheme() + "://" + location.getAuthority()).isEqualTo("https://media.example.test");
    assertThat(location.getPath()).isEqualTo("/s3/" + f.bucket + "/" + id);
    assertThat(location.getQuery()).contains("X-Amz-Signature=");
  }

  @Test
  @Timeout(60)
  void shouldKeepNothingOfATruncatedUpload() throws Exception {
    server(Map.of());
    byte[] large = randomBytes(12 * MIB, 9);
    byte[] small = randomBytes(100_000, 10);

    sendTruncated(sha256(large), large, 7 * MIB);
    sendTruncated(sha256(small), small, 50_000);

    await().atMost(Duration.ofSeconds(20)).until(() -> f.counter("parley_assets_refusals_total", "code", "truncated") == 2);
    assertThat(f.keys()).isEmpty();
    assertThat(f.pendingUploads()).isEmpty();
  }

  @Test
  @Timeout(60)
  void shouldRefuseAssetsOverTheLimit() throws Exception {
    server(Map.of("assets.max.bytes", String.valueOf(6 * MIB)));
    byte[] big = randomBytes(7 * MIB, 11);
    String id = sha256(big);

    // Declared too large: refused before a byte of the body is sent.
    assertThat(expectContinuePut(id, big.length, "alice")).isEqualTo("HTTP/1.1 413 Payload Too Large");
    assertThat(f.counter("parley_assets_received_bytes_total")).isZero();

    // No Content-Length (chunked): counted while streaming, refused once past the limit.
    int status = chunkedPut(id, big);
    assertThat(status).isEqualTo(413);

    assertThat(f.keys()).isEmpty();
    assertThat(f.pendingUploads()).isEmpty();
    assertThat(f.counter("parley_assets_refusals_total", "code", "too_large")).isEqualTo(2);
  }

  @Test
  @Timeout(60)
  void shouldRefuseCallersWithoutAValidToken() throws Exception {
    server(Map.of());
    String id = sha256(new byte[] {1});
    for (String method : new String[] {"HEAD", "GET", "PUT"}) {
      HttpResponse<byte[]> none = f.send(HttpRequest.newBuilder(f.asset(id))
          .method(method, HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build());
      assertThat(none.statusCode()).as(method).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    }
    HttpResponse<byte[]> forged = f.send(HttpRequest.newBuilder(f.asset(id)).header("Authorization", "Bearer not-a-token")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build());
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(HttpJson.MAPPER.readTree(forged.body()).get("code").asText()).isEqualTo("unauthorized");
    assertThat(f.keys()).isEmpty();
  }

  @Test
  @Timeout(60)
  void shouldRefuseMalformedIdsAndUnknownMethods() throws Exception {
    server(Map.of());
    String valid = sha256(new byte[] {2});
    for (String bad : new String[] {valid.toUpperCase(), valid.substring(1), valid + "0", "not-a-hash", valid.replace(valid.charAt(0), 'g')}) {
      HttpResponse<byte[]> r = f.put(bad, new byte[] {2}, "alice");
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(HttpJson.MAPPER.readTree(r.body()).get("code").asText()).isEqualTo("bad_request");
    }
    assertThat(f.get("", "alice").statusCode()).isEqualTo(404);
    assertThat(f.get(valid + "/more", "alice").statusCode()).isEqualTo(404);
    assertThat(f.get(valid, "alice").statusCode()).as("never uploaded").isEqualTo(404);
    HttpResponse<byte[]> delete = f.send(HttpRequest.newBuilder(f.asset(valid)).DELETE()
        .header("Authorization", "Bearer " + token("alice")).build());
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD, PUT");
    assertThat(f.keys()).isEmpty();
  }

  private byte[] download(String id, String user) throws IOException, InterruptedException {
    HttpResponse<byte[]> redirect = f.get(id, user);
    assertThat(redirect.statusCode()).isEqualTo(302);
    URI signed = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    HttpResponse<byte[]> bytes = f.send(HttpRequest.newBuilder(signed).GET().build());
    assertThat(bytes.statusCode()).isEqualTo(200);
    return bytes.body();
  }

  /**
   * Sends only the headers of a PUT with {@code Expect: 100-continue} and returns the first status
   * line the server answers: {@code 100 Continue} would ask for the body, anything else refuses it.
   * (A raw socket: java.net.http on Java 17 hangs when the answer to an expect-continue is final.)
   */
  private String expectContinuePut(String id, long length, String user) throws IOException {
    try (Socket socket = new Socket(f.server.uri().getHost(), f.server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("PUT /v1/assets/" + id + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
          + token(user) + "\r\nContent-Length: " + length + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return statusLine(socket.getInputStream());
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** Declares all of {@code bytes}, sends the first {@code sent}, and hangs up. */
  private void sendTruncated(String id, byte[] bytes, int sent) throws IOException {
    try (Socket socket = new Socket(f.server.uri().getHost(), f.server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUT /v1/assets/" + id + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token("alice")
          + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes, 0, sent);
      out.flush();
    }
  }

  /** A chunked PUT over a raw socket; returns the status line's code, reading what answer arrives before the server hangs up. */
  private int chunkedPut(String id, byte[] bytes) throws IOException {
    try (Socket socket = new Socket(f.server.uri().getHost(), f.server.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("PUT /v1/assets/" + id + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token("alice")
          + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      int chunk = 64 * 1024;
      try {
        for (int off = 0; off < bytes.length; off += chunk) {
          int n = Math.min(chunk, bytes.length - off);
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(bytes, off, n);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // The server answered and closed before the whole body went out; its answer is still readable.
      }
      return Integer.parseInt(statusLine(socket.getInputStream()).substring(9, 12));
    }
  }
}
