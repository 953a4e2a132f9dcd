package io.parley.client.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Sends and fetches media through the asset API, the way the protocol intends: encrypt on the
 * device, hash the ciphertext, ask whether the asset exists ({@code HEAD}), upload only if not
 * ({@code PUT}), and put the returned {@link Attachment} in a message. Receiving follows the
 * {@code GET} redirect to a short-lived signed URL (without the Parley token), checks the bytes
 * against the asset id, and decrypts them. Files stream from and to disk.
 */
public final class MediaClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final URI baseUrl;
  private final String token;
  private final HttpClient http;

  /**
   * @param baseUrl the HTTP origin, e.g. {@code http://127.0.0.1:8080}
   * @param token the device's access token
   */
  public MediaClient(URI baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
    // Redirects are followed by hand: the signed URL must not receive the Parley token.
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** What an upload did. {@code transferred} is false when the asset existed and no byte was sent. */
  public record Upload(String asset, long size, boolean transferred) {}

  /** Encrypts {@code file} under a fresh key, uploads it if needed, and returns the attachment to send. */
  public Attachment sendFile(Path file, String mime) throws IOException, InterruptedException {
    Path encrypted = Files.createTempFile("parley-media-", ".enc");
    try {
      String key = MediaCipher.encrypt(file, encrypted);
      Upload upload = upload(encrypted);
      return new Attachment(upload.asset(), mime, upload.size(), key, fileName(file));
    } finally {
      Files.deleteIfExists(encrypted);
    }
  }

  /**
   * Uploads {@code file} as it is, unencrypted: for bytes that are public anyway, or already
   * encrypted by the caller. Identical bytes from anyone are stored once.
   */
  public Attachment sendFileAsIs(Path file, String mime) throws IOException, InterruptedException {
    Upload upload = upload(file);
    return new Attachment(upload.asset(), mime, upload.size(), null, fileName(file));
  }

  /** Hash, check, upload if missing. */
  public Upload upload(Path bytes) throws IOException, InterruptedException {
    String asset = sha256(bytes);
    long size = Files.size(bytes);
    if (exists(asset)) {
      return new Upload(asset, size, false);
    }
    // No Expect: 100-continue: java.net.http on Java 17 hangs when the answer to one is final (200, 413).
    HttpResponse<byte[]> response = http.send(request(asset).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofFile(bytes)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 201 && response.statusCode() != 200) {
      throw refusal(response);
    }
    return new Upload(asset, size, response.statusCode() == 201);
  }

  /** Whether anyone uploaded these exact bytes before. */
  public boolean exists(String asset) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(request(asset).timeout(CALL_TIMEOUT)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    return switch (response.statusCode()) {
      case 200 -> true;
      case 404 -> false;
      default -> throw refusal(response);
    };
  }

  /** A signed URL valid for a few minutes, for anything that can fetch a URL (a browser, a player). */
  public URI downloadUrl(String asset) throws IOException, InterruptedException {
    HttpRequest get = request(asset).timeout(CALL_TIMEOUT).GET().build();
    HttpResponse<byte[]> response = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 302) {
      throw refusal(response);
    }
    String location = response.headers().firstValue("Location")
        .orElseThrow(() -> new IOException("a redirect without Location"));
    return get.uri().resolve(location);
  }

  /**
   * Downloads the attachment into {@code target}: verified against its asset id, and decrypted when
   * it has a key. Nothing is written to {@code target} unless both checks pass.
   */
  public Path download(Attachment attachment, Path target) throws IOException, InterruptedException {
    Path dir = target.toAbsolutePath().getParent();
    Path fetched = Files.createTempFile(dir, ".parley-", ".part");
    try {
      fetch(attachment.asset(), fetched);
      if (attachment.key() == null) {
        Files.move(fetched, target, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Path plain = Files.createTempFile(dir, ".parley-", ".plain");
        try {
          MediaCipher.decrypt(fetched, attachment.key(), plain);
          Files.move(plain, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(plain);
        }
      }
      return target;
    } finally {
      Files.deleteIfExists(fetched);
    }
  }

  private void fetch(String asset, Path into) throws IOException, InterruptedException {
    URI signed = downloadUrl(asset);
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(signed).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest sha256 = digest();
    try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(into)) {
      if (response.statusCode() != 200) {
        throw new AssetHttpException(response.statusCode(), "download_failed", "the signed URL answered " + response.statusCode());
      }
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equals(asset)) {
      throw new MediaCipher.IntegrityException("downloaded bytes hash to " + actual + ", not " + asset);
    }
  }

  private HttpRequest.Builder request(String asset) {
    return HttpRequest.newBuilder(baseUrl.resolve("/v1/assets/" + asset)).header("Authorization", "Bearer " + token);
  }

  private static AssetHttpException refusal(HttpResponse<byte[]> response) {
    String code = codeOf(response.statusCode());
    String message = "";
    try {
      JsonNode body = JSON.readTree(response.body());
      if (body != null && body.hasNonNull("code")) {
        code = body.get("code").asText();
        message = body.path("message").asText();
      }
    } catch (IOException e) {
      message = "no JSON error body";
    }
    return new AssetHttpException(response.statusCode(), code, message);
  }

  /** The protocol's code for a status, for answers without a body (HEAD). */
  private static String codeOf(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 413 -> "too_large";
      case 429 -> "rate_limited";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal" : "http_" + status;
    };
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha256 = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static String fileName(Path file) {
    Path name = file.getFileName();
    return name == null ? null : name.toString();
  }
}
