package io.parley.gateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser chat page at {@code /}, on the API's own origin: the files the {@code parley-web} jar
 * lists in {@code io/parley/web/files.txt}, held in memory (the page is tens of kilobytes). Only
 * those paths are answered, only to GET and HEAD; anything else is declined, so the API's own 404
 * stays as it is.
 *
 * <p>Caching: the hashed files under {@code assets/} never change, so they are cached for a year;
 * {@code index.html} is revalidated on every load (ETag), so a new build is picked up at once.
 * Every answer carries a Content-Security-Policy that lets the page run only its own scripts and
 * styles and connect only to this origin and the media store ({@link PageCsp}).
 */
public final class WebPage extends Handler.Abstract.NonBlocking {
  private static final Logger log = LoggerFactory.getLogger(WebPage.class);
  public static final String CLASSPATH_ROOT = "io/parley/web/";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  private static final String REVALIDATE = "no-cache";

  private record File(byte[] bytes, String contentType, String etag, String cacheControl) {}

  private final Map<String, File> files;
  private final String csp;

  private WebPage(Map<String, File> files, String csp) {
    this.files = Map.copyOf(files);
    this.csp = csp;
  }

  /**
   * The page from {@code root} on the class path, with this policy; with no page there (a gateway
   * built without the web module), a handler that declines every request.
   */
  public static WebPage load(ClassLoader loader, String root, String csp) {
    Map<String, File> files = new HashMap<>();
    byte[] list = read(loader, root + "files.txt");
    if (list == null) {
      log.info("no web page on the class path ({}files.txt): / is not served", root);
      return new WebPage(files, csp);
    }
    for (String line : new String(list, StandardCharsets.UTF_8).split("\n")) {
      String name = line.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (!name.matches("[A-Za-z0-9_-][A-Za-z0-9._/-]*") || name.contains("..")) {
        throw new IllegalStateException("the web page lists an unsafe path: " + name);
      }
      byte[] bytes = read(loader, root + name);
      if (bytes == null) {
        throw new IllegalStateException("the web page lists " + name + " but the class path lacks it");
      }
      files.put("/" + name, new File(bytes, ContentTypes.of(name), etag(bytes),
          name.startsWith("assets/") ? IMMUTABLE : REVALIDATE));
    }
    File index = files.get("/index.html");
    if (index != null) {
      files.put("/", index);
    }
    log.info("serving the web page at / ({} files)", files.size());
    return new WebPage(files, csp);
  }

  /** The page the {@code parley-web} jar brings. */
  public static WebPage fromClasspath(String csp) {
    return load(WebPage.class.getClassLoader(), CLASSPATH_ROOT, csp);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    boolean head = HttpMethod.HEAD.is(method);
    if (!head && !HttpMethod.GET.is(method)) {
      return false;
    }
    File file = files.get(Request.getPathInContext(request));
    if (file == null) {
      return false;
    }
    var headers = response.getHeaders();
    headers.put(HttpHeader.CACHE_CONTROL, file.cacheControl());
    headers.put(HttpHeader.ETAG, file.etag());
    SecurityHeaders.apply(headers, csp);
    String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    if (ifNoneMatch != null && ifNoneMatch.contains(file.etag())) {
      response.setStatus(304);
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
      return true;
    }
    response.setStatus(200);
    headers.put(HttpHeader.CONTENT_TYPE, file.contentType());
    headers.put(HttpHeader.CONTENT_LENGTH, file.bytes().length);
    response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(file.bytes()), callback);
    return true;
  }

  /** The paths this page answers, for tests and logs. */
  public java.util.Set<String> paths() {
    return files.keySet();
  }

  private static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the class path", e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every Java", e);
    }
  }
}
