package io.parley.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A stand-in for the edge gateway in the SDK's tests: a real WebSocket server on a free port that
 * records every frame a client sends and lets the test answer or close, as the gateway would.
 */
public final class FakeGateway implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);
  public final List<JsonNode> frames = new CopyOnWriteArrayList<>();
  public final List<Session> sockets = new CopyOnWriteArrayList<>();

  public FakeGateway() throws Exception {
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ContextHandler root = new ContextHandler("/");
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, root,
        container -> container.addMapping("/v1/ws", (request, response, callback) -> new Socket()));
    root.setHandler(ws);
    server.setHandler(root);
    server.start();
  }

  public URI webSocket() {
    return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/v1/ws");
  }

  public List<JsonNode> frames(String type) {
    return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
  }

  /** Sends a frame on the newest socket. */
  public void push(String frame) {
    sockets.get(sockets.size() - 1).sendText(frame, Callback.NOOP);
  }

  /** Closes the newest socket from the server side. */
  public void closeNewest(int code, String reason) {
    sockets.get(sockets.size() - 1).close(code, reason, Callback.NOOP);
  }

  public final class Socket implements Session.Listener.AutoDemanding {
    @Override
    public void onWebSocketOpen(Session session) {
      sockets.add(session);
    }

    @Override
    public void onWebSocketText(String text) {
      try {
        frames.add(JSON.readTree(text));
      } catch (Exception e) {
        throw new IllegalStateException("the client sent a frame that is not JSON: " + text, e);
      }
    }
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
