package io.parley.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * JSON in and out of Parley's HTTP endpoints. Request bodies are read up to a limit (beyond it:
 * 413), must be one JSON object (else: 400), and errors are always {@code {code, message}}.
 *
 * <p>A refused body (415, 413) is read and thrown away up to {@link #DISCARD_LIMIT} before the
 * refusal is sent. Answering while the client is still sending would leave unread bytes on the
 * socket when the server closes it; the kernel then resets the connection and the client loses the
 * answer along with it. Past the limit the connection is closed and the client may see only that.
 */
public final class HttpJson {
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(32).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The most of a refused request body read and thrown away so the refusal reaches the client. */
  public static final long DISCARD_LIMIT = 1024 * 1024;

  private HttpJson() {}

  /** Reads the request body as one JSON object of at most {@code maxBytes}. */
  public static JsonNode readObject(Request request, int maxBytes) throws HttpError {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      discard(request, 0);
      throw new HttpError(415, "unsupported_media_type", "send JSON (Content-Type: application/json)");
    }
    long declared = request.getLength();
    if (declared > maxBytes) {
      if (declared <= DISCARD_LIMIT) {
        discard(request, 0);
      }
      throw new HttpError(413, "too_large", "request body larger than " + maxBytes + " bytes");
    }
    byte[] body = readAtMost(request, maxBytes);
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw new HttpError(400, "bad_request", "the body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new HttpError(400, "bad_request", "the body is not valid JSON");
    }
  }

  private static byte[] readAtMost(Request request, int maxBytes) throws HttpError {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var in = Content.Source.asInputStream(request)) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > maxBytes) {
          discardRest(in, out.size() + n);
          throw new HttpError(413, "too_large", "request body larger than " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      throw new HttpError(400, "bad_request", "the request body could not be read");
    }
    return out.toByteArray();
  }

  /**
   * Reads and throws away what is left of a request body, up to {@link #DISCARD_LIMIT} in all
   * ({@code alreadyRead} counts towards it). A body that breaks off is no concern of a refusal.
   */
  public static void discard(Request request, long alreadyRead) {
    try (var in = Content.Source.asInputStream(request)) {
      discardRest(in, alreadyRead);
    } catch (IOException e) {
      // closing a body that broke off: nothing to keep
    }
  }

  private static void discardRest(java.io.InputStream in, long alreadyRead) {
    byte[] buf = new byte[8192];
    long total = alreadyRead;
    try {
      int n;
      while (total < DISCARD_LIMIT && (n = in.read(buf)) > 0) {
        total += n;
      }
    } catch (IOException e) {
      // the client went away mid-body; the refusal is moot
    }
  }

  public static void write(Response response, Callback callback, int status, Object body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      bytes = "{\"code\":\"internal\",\"message\":\"cannot write response\"}".getBytes(StandardCharsets.UTF_8);
      status = 500;
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  public static void error(Response response, Callback callback, HttpError error) {
    if (error.status() == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"parley\"");
    }
    if (error.retryAfterSeconds() > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(error.retryAfterSeconds()));
    }
    write(response, callback, error.status(), Map.of("code", error.code(), "message", error.getMessage()));
  }
}
