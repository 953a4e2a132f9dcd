package io.parley.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a server that can freeze the connections it carries: they stay open and
 * nothing more passes either way, as with a server that hangs. Connections made after the freeze
 * pass normally.
 */
final class FreezingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Relay> relays = new CopyOnWriteArrayList<>();

  private static final class Relay {
    final Socket client;
    final Socket server;
    volatile boolean frozen;

    Relay(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }
  }

  FreezingProxy(URI target) throws IOException {
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "freezing-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** The same WebSocket path, through this relay. */
  URI webSocket(URI original) {
    return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + original.getRawPath());
  }

  /** Freezes every connection open now. */
  void freeze() {
    relays.forEach(r -> r.frozen = true);
  }

  int connections() {
    return relays.size();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(target, 5_000);
        Relay relay = new Relay(client, server);
        relays.add(relay);
        pump(relay, client, server);
        pump(relay, server, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(Relay relay, Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          while (relay.frozen) {
            Thread.sleep(50); // hold what came in: nothing passes while frozen
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // one side went away
      }
    }, "freezing-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Relay r : relays) {
      r.client.close();
      r.server.close();
    }
  }
}
