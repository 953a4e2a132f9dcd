package io.parley.topology.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cache setting that lets an inbox entry acknowledged within its commit write nothing, checked
 * on this Kafka version's own store layers (it reaches into them, so an upgrade that changes them
 * must fail here rather than quietly write tombstones again).
 */
class MailboxStoresTest {
  private static final String APP = "stores-test";
  private static final String STORE = "cached";
  private static final String CHANGELOG = APP + "-" + STORE + "-changelog";

  private TopologyTestDriver driver;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void shouldWriteNothingWhenAKeyIsPutAndDeletedWithinOneCommit() {
    TestInputTopic<String, String> commands = start(true);

    commands.pipeInput("k", "put+delete");

    assertThat(changelog().readRecordsToList()).isEmpty();
  }

  @Test
  void shouldStillWriteTheTombstoneWhenTheDeletedKeyWasFlushedBefore() {
    TestInputTopic<String, String> commands = start(true);

    commands.pipeInput("k", "put");
    commands.pipeInput("k", "delete");

    List<TestRecord<String, String>> written = changelog().readRecordsToList();
    assertThat(written).extracting(TestRecord::value).containsExactly("v", null);
    assertThat(driver.<String, String>getKeyValueStore(STORE).get("k")).isNull();
  }

  @Test
  void shouldWriteATombstoneForAKeyNeverFlushedWhenTheCacheIsLeftAlone() {
    TestInputTopic<String, String> commands = start(false);

    commands.pipeInput("k", "put+delete");

    // What the inbox wrote for every entry acknowledged within its commit, before the setting.
    assertThat(changelog().readRecordsToList()).extracting(TestRecord::value).containsExactly((String) null);
  }

  @Test
  void shouldFindTheCacheOfACachedStoreOnly() {
    TestInputTopic<String, String> commands = start(true);
    commands.pipeInput("k", "put");
    assertThat(Found.cached).isTrue();
    driver.close();
    driver = null;

    Topology topology = topology(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String())
        .withCachingDisabled(), true);
    driver = new TopologyTestDriver(topology, props());
    driver.createInputTopic("in", new StringSerializer(), new StringSerializer()).pipeInput("k", "put");
    assertThat(Found.cached).isFalse();
  }

  private TestInputTopic<String, String> start(boolean dropUnflushedDeletes) {
    Topology topology = topology(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String())
        .withCachingEnabled(), dropUnflushedDeletes);
    driver = new TopologyTestDriver(topology, props());
    return driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
  }

  private TestOutputTopic<String, String> changelog() {
    return driver.createOutputTopic(CHANGELOG, new StringDeserializer(), new StringDeserializer());
  }

  private static Topology topology(org.apache.kafka.streams.state.StoreBuilder<KeyValueStore<String, String>> store,
      boolean dropUnflushedDeletes) {
    Topology topology = new Topology();
    topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
    topology.addProcessor("p", () -> new Found(dropUnflushedDeletes), "in");
    topology.addStateStore(store, "p");
    return topology;
  }

  private static Properties props() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try {
      props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("stores-test").toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return props;
  }

  /** Puts and deletes as each command says, in one process call. */
  static final class Found implements Processor<String, String, Void, Void> {
    static volatile boolean cached;
    private final boolean dropUnflushedDeletes;
    private KeyValueStore<String, String> store;

    Found(boolean dropUnflushedDeletes) {
      this.dropUnflushedDeletes = dropUnflushedDeletes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
      if (dropUnflushedDeletes) {
        cached = MailboxStores.dropDeletesOfUnflushedKeys(store);
      }
    }

    @Override
    public void process(Record<String, String> record) {
      if (record.value().startsWith("put")) {
        store.put(record.key(), "v");
      }
      if (record.value().endsWith("delete")) {
        store.delete(record.key());
      }
    }
  }
}
