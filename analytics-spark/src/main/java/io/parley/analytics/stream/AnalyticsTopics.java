package io.parley.analytics.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics the analytics job reads and writes, named as Parley's topic registry names them (one
 * shared prefix). The job creates its own output topics when they are missing.
 */
public record AnalyticsTopics(String prefix) {
  private static final int TAG_PARTITIONS = 4;

  /** The canonical history log the topology writes; keyed by conversation. */
  public String messages() {
    return prefix + "messages";
  }

  /** One tag per message, keyed by {@code sender/messageId}, JSON values; compacted. */
  public String messageTags() {
    return prefix + "message-tags";
  }

  /** Tag counts per trend window, keyed by {@code windowStart|tag}, JSON values; compacted. */
  public String topicTrends() {
    return prefix + "topic-trends";
  }

  /** App and user events, keyed by user, AppEvent (Avro); written by the gateways and the directory. */
  public String events() {
    return prefix + "events";
  }

  /** Active users per hour and day and session lengths, JSON values; compacted. */
  public String usage() {
    return prefix + "usage";
  }

  /** Whether {@code events} exists: Parley's services create it (with the mailbox's partition count, which the job cannot know). */
  public boolean eventsExist(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      return admin.listTopics().names().get().contains(events());
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list the topics on " + bootstrapServers, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    }
  }

  /** Parley's dead-letter topic: the raw record, headers {@code parley.dlq.*} saying why and from where. */
  public String deadLetters() {
    return prefix + "dead-letters";
  }

  /** Creates the topics the job writes, as the topology would, unless they exist. */
  public void ensure(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      Map<String, String> compacted = Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000");
      if (!existing.contains(messageTags())) {
        missing.add(new NewTopic(messageTags(), TAG_PARTITIONS, (short) -1).configs(compacted));
      }
      if (!existing.contains(topicTrends())) {
        missing.add(new NewTopic(topicTrends(), 1, (short) -1).configs(compacted));
      }
      if (!existing.contains(usage())) {
        missing.add(new NewTopic(usage(), 1, (short) -1).configs(compacted));
      }
      if (!existing.contains(deadLetters())) {
        missing.add(new NewTopic(deadLetters(), 1, (short) -1)
            .configs(Map.of("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()))));
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create the analytics topics on " + bootstrapServers, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the analytics topics", e);
    }
  }
}
