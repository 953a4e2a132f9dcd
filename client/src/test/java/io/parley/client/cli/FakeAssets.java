package io.parley.client.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the asset API, enough for the chat's uploads and downloads: {@code HEAD}, {@code
 * PUT}, and {@code GET} answered with a redirect to a "signed" URL that serves the bytes, on a free port.
 */
final class FakeAssets implements AutoCloseable {
  private final HttpServer server;
  final Map<String, byte[]> stored = new ConcurrentHashMap<>();

  FakeAssets() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/assets/", this::asset);
    server.createContext("/signed/", exchange -> {
      byte[] bytes = stored.get(exchange.getRequestURI().getPath().substring("/signed/".length()));
      answer(exchange, bytes == null ? 404 : 200, bytes == null ? new byte[0] : bytes);
    });
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void asset(HttpExchange exchange) throws IOException {
    String asset = exchange.getRequestURI().getPath().substring("/v1/assets/".length());
    switch (exchange.getRequestMethod()) {
      case "HEAD" -> {
        exchange.sendResponseHeaders(stored.containsKey(asset) ? 200 : 404, -1);
        exchange.close();
      }
      case "PUT" -> {
        stored.put(asset, exchange.getRequestBody().readAllBytes());
        answer(exchange, 201, ("{\"asset\":\"" + asset + "\"}").getBytes());
      }
      default -> {
        exchange.getResponseHeaders().add("Location", "/signed/" + asset);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
      }
    }
  }

  private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
