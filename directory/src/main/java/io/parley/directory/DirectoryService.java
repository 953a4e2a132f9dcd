package io.parley.directory;

import io.parley.auth.TokenService;
import io.parley.directory.db.DirectoryDatabase;
import io.parley.directory.devices.DeviceRegistry;
import io.parley.directory.events.SignInEvents;
import io.parley.directory.groups.OutboxRelay;
import io.parley.directory.http.DirectoryApi;
import io.parley.directory.users.Passwords;
import io.parley.http.BearerTokens;
import io.parley.kafka.TopicProvisioner;
import io.parley.kafka.Topics;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;

/**
 * A running directory: its database (migrated), the rules, the HTTP API, the outbox relay, and the
 * producer that registers signed-in devices with their mailboxes, and the one that records sign-ins as events.
 */
public final class DirectoryService implements AutoCloseable {
  private final DirectoryDatabase database;
  private final Directory directory;
  private final DirectoryApi api;
  private final OutboxRelay relay;
  private final DeviceRegistry devices;
  private final SignInEvents signIns;

  private DirectoryService(DirectoryDatabase database, Directory directory, DirectoryApi api, OutboxRelay relay,
      DeviceRegistry devices, SignInEvents signIns) {
    this.signIns = signIns;
    this.database = database;
    this.directory = directory;
    this.api = api;
    this.relay = relay;
    this.devices = devices;
  }

  public static DirectoryService start(DirectoryConfig config, String bootstrapServers, Topics topics,
      TokenService tokens, short replicationFactor) {
    Passwords passwords = new Passwords(config.passwordMemoryKib(), config.passwordIterations());
    TopicProvisioner.ensure(bootstrapServers, List.of(topics.groupMembers(), topics.mailbox(), topics.events()), replicationFactor);
    DirectoryDatabase database = DirectoryDatabase.open(config);
    DeviceRegistry devices = DeviceRegistry.connect(bootstrapServers, topics.mailbox());
    OutboxRelay relay = new OutboxRelay(database.jdbi(), bootstrapServers, topics.groupMembers());
    SignInEvents signIns = SignInEvents.connect(bootstrapServers, topics.events());
    Directory directory = new Directory(database.jdbi(), config, passwords, tokens, devices, Clock.systemUTC(), relay::wake,
        signIns);
    relay.start(config.relayInterval());
    return new DirectoryService(database, directory, new DirectoryApi(directory, new BearerTokens(tokens), config), relay,
        devices, signIns);
  }

  public Directory directory() {
    return directory;
  }

  /** The API by the path specs it answers, to mount on a server. */
  public Map<String, Handler> routes() {
    Map<String, Handler> routes = new LinkedHashMap<>();
    DirectoryApi.pathSpecs().forEach(spec -> routes.put(spec, api));
    return routes;
  }

  public OutboxRelay relay() {
    return relay;
  }

  public DirectoryDatabase database() {
    return database;
  }

  @Override
  public void close() {
    relay.close();
    devices.close();
    signIns.close();
    database.close();
  }
}
