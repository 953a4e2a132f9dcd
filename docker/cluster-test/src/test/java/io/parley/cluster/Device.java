package io.parley.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** One user's device on the SDK, reporting to the ledger what it wrote, what was acknowledged and what it got. */
final class Device implements Incoming, AutoCloseable {
  final String user;
  private final Ledger ledger;
  private final Outbox outbox;
  private final ParleyClient client;
  final List<JsonNode> messages = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  final AtomicInteger connects = new AtomicInteger();

  Device(String user, String token, URI origin, Path dir, Ledger ledger) throws Exception {
    this.user = user;
    this.ledger = ledger;
    this.outbox = new Outbox(dir.resolve(user + ".db"));
    this.client = new ParleyClient(ParleyClient.webSocketOf(origin), token, outbox, this);
  }

  Device start() throws Exception {
    client.start();
    return this;
  }

  void send(String to, String body) throws Exception {
    String id = client.send(to, body);
    ledger.wrote(user, id, Set.of(to));
  }

  void sendToGroup(String group, Set<String> members, String body) throws Exception {
    String id = client.sendToGroup(group, body);
    Set<String> others = new java.util.HashSet<>(members);
    others.remove(user);
    ledger.wrote(user, id, others);
  }

  ParleyClient client() {
    return client;
  }

  int pending() throws Exception {
    return outbox.pending().size();
  }

  @Override
  public void message(long seq, String id, String from, String conversation, String body, long at, JsonNode raw) {
    messages.add(raw);
    if (!from.equals(user)) {
      ledger.received(user, from, id);
    }
  }

  @Override
  public void sent(String id, long at) {
    ledger.acknowledged(user, id);
  }

  @Override
  public void error(String code, String message, String ref) {
    errors.add(code + ": " + message + " (" + ref + ")");
  }

  @Override
  public void connected() {
    connects.incrementAndGet();
  }

  @Override
  public void close() throws Exception {
    client.close();
    outbox.close();
  }
}
