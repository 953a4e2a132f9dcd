package io.parley.http;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.SelectorManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets each remote address hold at most a fixed number of a connector's connections at once, and
 * closes any more as they are accepted, before Jetty gives them an end point, a buffer or a thread.
 * It counts TCP connections, so a WebSocket counts from its upgrade request to its close, and other
 * addresses are never refused. An IPv6 client counts by its /64, the block one subscriber gets, which
 * it could otherwise spread connections over. (Jetty's own {@code NetworkConnectionLimit} bounds the
 * total only.)
 */
final class AddressConnectionLimit implements SelectorManager.AcceptListener {
  private static final Logger log = LoggerFactory.getLogger(AddressConnectionLimit.class);

  private final String serverName;
  private final int max;
  private final CounterDataPoint closes;
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private final Map<SelectableChannel, InetAddress> counted = new ConcurrentHashMap<>();
  /** Addresses refused since they last went below the limit: one warning each time one reaches it. */
  private final Set<InetAddress> refusing = ConcurrentHashMap.newKeySet();

  AddressConnectionLimit(String serverName, int max, CounterDataPoint closes) {
    this.serverName = serverName;
    this.max = max;
    this.closes = closes;
  }

  /** Counts the connection, or closes it when its address holds the limit already. */
  @Override
  public void onAccepting(SelectableChannel channel) {
    InetAddress address = remoteAddress(channel);
    if (address == null) {
      return; // already gone: Jetty fails it on its own
    }
    if (tryAcquire(address)) {
      counted.put(channel, address);
      return;
    }
    closes.inc();
    if (refusing.add(address)) {
      log.warn("{}: {} holds {} connections, the most one address may; closing its new ones until it has fewer",
          serverName, address.getHostAddress(), max);
    }
    try {
      channel.close(); // Jetty then fails the accept quietly (onAcceptFailed), so no end point is made
    } catch (IOException e) {
      log.debug("{}: closing a refused connection from {} failed", serverName, address, e);
    }
  }

  @Override
  public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
    release(channel);
  }

  @Override
  public void onClosed(SelectableChannel channel) {
    release(channel);
  }

  /** How many connections the address holds now (for tests and diagnostics). */
  int connections(InetAddress address) {
    return perAddress.getOrDefault(address, 0);
  }

  boolean tryAcquire(InetAddress address) {
    boolean[] acquired = {false};
    perAddress.compute(address, (a, held) -> {
      int n = held == null ? 0 : held;
      if (n >= max) {
        return held;
      }
      acquired[0] = true;
      return n + 1;
    });
    return acquired[0];
  }

  private void release(SelectableChannel channel) {
    InetAddress address = counted.remove(channel);
    if (address != null) {
      release(address);
    }
  }

  void release(InetAddress address) {
    Integer left = perAddress.computeIfPresent(address, (a, held) -> held <= 1 ? null : held - 1);
    if (left == null || left < max) {
      refusing.remove(address);
    }
  }

  private static InetAddress remoteAddress(SelectableChannel channel) {
    try {
      return channel instanceof SocketChannel socket && socket.getRemoteAddress() instanceof InetSocketAddress remote
          ? client(remote.getAddress()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** What one client is counted as: an IPv4 address, or an IPv6 address's /64. */
  static InetAddress client(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] bytes = address.getAddress();
    Arrays.fill(bytes, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }
}
