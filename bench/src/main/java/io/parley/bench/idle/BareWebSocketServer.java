package io.parley.bench.idle;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The floor under the gateway's idle-socket figure: Jetty 12's WebSocket server as the gateway sets
 * it up (same thread pool, connector, upgrade handler, path and limits), with a listener that holds
 * nothing. What an idle socket costs here is Jetty's; the gateway's figure minus this is Parley's.
 * Serves {@code /healthz} as {@code {"connections": n}}, as the gateway does.
 *
 * <p>Usage: {@code BareWebSocketServer <port>}; runs until killed.
 */
public final class BareWebSocketServer {
  private static final AtomicInteger OPEN = new AtomicInteger();

  private BareWebSocketServer() {}

  public static void main(String[] args) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("bare-websocket");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[0]));
    server.addConnector(connector);

    ContextHandler root = new ContextHandler("/");
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, root, container -> {
      container.setIdleTimeout(Duration.ofMinutes(30));
      container.setMaxTextMessageSize(1 << 20);
      container.setMaxFrameSize(1 << 20);
      container.setAutoFragment(true);
      container.addMapping("/v1/ws", (request, response, callback) -> new Empty());
    });
    PathMappingsHandler paths = new PathMappingsHandler();
    paths.addMapping(PathSpec.from("/healthz"), new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.getHeaders().put("Content-Type", "application/json");
        Content.Sink.write(response, true, "{\"connections\": " + OPEN.get() + "}", callback);
        return true;
      }
    });
    ws.setHandler(paths);
    root.setHandler(ws);
    server.setHandler(root);
    server.start();
    new CountDownLatch(1).await();
  }

  /** Counts itself open and closed; reads whatever arrives and keeps none of it. */
  public static final class Empty implements Session.Listener.AutoDemanding {
    @Override
    public void onWebSocketOpen(Session session) {
      OPEN.incrementAndGet();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
      callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      OPEN.decrementAndGet();
    }
  }
}
