package io.parley.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port nobody listens on, for a server that must be told its port before it binds
 * (Kafka's listeners, Cassandra's, a forked JVM's). Another process may take it in between; callers
 * that cannot bind port 0 themselves retry on a bind failure.
 */
public final class FreePorts {
  private FreePorts() {}

  public static int loopback() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
