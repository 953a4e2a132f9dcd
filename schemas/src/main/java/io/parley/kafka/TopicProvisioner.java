package io.parley.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates Parley's topics if they are missing; an existing topic is left exactly as it is. */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  public static void ensure(String bootstrapServers, Collection<Topic<?, ?>> topics, short replicationFactor) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      ensure(admin, topics, replicationFactor);
    }
  }

  /**
   * Fails unless every topic has the same number of partitions (topics read side by side, by key).
   *
   * @return that number
   */
  public static int requireCopartitioned(String bootstrapServers, List<String> topics) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<String, Integer> counts = new java.util.TreeMap<>();
      describeOnceKnown(admin, topics).forEach((name, description) -> counts.put(name, description.partitions().size()));
      if (counts.values().stream().distinct().count() > 1) {
        throw new IllegalStateException("these topics must have the same number of partitions: " + counts);
      }
      return counts.values().iterator().next();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot describe topics " + topics + ": " + e.getMessage(), e);
    }
  }

  /**
   * Describes the topics, asking again while a broker answers that it does not know one: on a
   * cluster of several brokers a topic another process has just created reaches each broker's
   * metadata a moment after the controller took it.
   */
  private static Map<String, TopicDescription> describeOnceKnown(Admin admin, List<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  public static void ensure(Admin admin, Collection<Topic<?, ?>> topics, short replicationFactor) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream()
          .filter(t -> !existing.contains(t.name()))
          .map(t -> new NewTopic(t.name(), t.partitions(), replicationFactor).configs(t.config()))
          .toList();
      if (missing.isEmpty()) {
        return;
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          log.info("created topic {}", entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create Parley topics: " + e.getMessage(), e);
    }
  }
}
