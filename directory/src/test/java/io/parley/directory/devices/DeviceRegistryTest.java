package io.parley.directory.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.kafka.Topic;
import io.parley.kafka.Topics;
import io.parley.schemas.DeviceRegistered;
import io.parley.schemas.DeviceRemoved;
import io.parley.schemas.MailboxCommand;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DeviceRegistryTest {
  private final Topic<String, MailboxCommand> mailbox = Topics.withDefaults().mailbox();
  private final MockProducer<String, MailboxCommand> producer =
      new MockProducer<>(true, null, new StringSerializer(), mailbox.valueSerde().serializer());
  private final DeviceRegistry registry =
      new DeviceRegistry(producer, mailbox.name(), Clock.fixed(Instant.ofEpochMilli(42), ZoneOffset.UTC));

  @Test
  void shouldTellTheUsersMailboxThatADeviceSignedIn() {
    registry.registered("bob", "b2");

    assertThat(producer.history()).singleElement().satisfies(r -> {
      assertThat(r.topic()).isEqualTo("parley.mailbox");
      assertThat(r.key()).isEqualTo("bob");
      assertThat(r.value().getCommand()).isEqualTo(new DeviceRegistered("b2", 42L));
    });
  }

  @Test
  void shouldTellTheUsersMailboxThatADeviceSignedOut() {
    registry.removed("bob", "b2");

    assertThat(producer.history()).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("bob");
      assertThat(r.value().getCommand()).isEqualTo(new DeviceRemoved("b2", 42L));
    });
  }

  @Test
  void shouldSayUnavailableWhenKafkaDoesNotTakeTheCommand() {
    producer.sendException = new TimeoutException("no broker");

    assertThatThrownBy(() -> registry.registered("bob", "b2"))
        .isInstanceOf(DeviceRegistry.Unavailable.class)
        .hasMessageContaining("bob");
  }

  @Test
  void shouldSayUnavailableWhenKafkaFailsTheCommandAfterSending() throws Exception {
    MockProducer<String, MailboxCommand> manual =
        new MockProducer<>(false, null, new StringSerializer(), mailbox.valueSerde().serializer());
    DeviceRegistry waiting = new DeviceRegistry(manual, mailbox.name(), Clock.systemUTC());
    Thread failer = new Thread(() -> {
      while (!manual.errorNext(new org.apache.kafka.common.errors.NotEnoughReplicasException("one replica"))) {
        Thread.onSpinWait();
      }
    });
    failer.start();

    assertThatThrownBy(() -> waiting.removed("bob", "b2"))
        .isInstanceOf(DeviceRegistry.Unavailable.class)
        .hasMessageContaining("one replica");
    failer.join(5_000);
  }
}
