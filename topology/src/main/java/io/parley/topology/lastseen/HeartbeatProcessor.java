package io.parley.topology.lastseen;

import io.parley.schemas.Heartbeat;
import io.parley.schemas.state.DeviceTable;
import io.parley.topology.mailbox.MailboxStores;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns heartbeats into coalesced last-seen records. It runs beside the mailbox (heartbeats are
 * partitioned like the mailbox), so "online" is read from the same device table the mailbox keeps.
 */
public final class HeartbeatProcessor implements Processor<String, Heartbeat, String, SpecificRecord> {
  private final Duration interval;
  private ProcessorContext<String, SpecificRecord> context;
  private Presence presence;
  private KeyValueStore<String, DeviceTable> devices;

  public HeartbeatProcessor(Duration interval) {
    this.interval = interval;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.presence = new Presence(context, interval);
    this.devices = context.getStateStore(MailboxStores.DEVICES);
    Duration every = interval.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : interval.dividedBy(10);
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, now -> presence.flushDue(now, this::online));
  }

  @Override
  public void process(Record<String, Heartbeat> record) {
    long now = context.currentSystemTimeMs();
    presence.seen(record.key(), record.value().getAt(), online(record.key()), now);
  }

  private boolean online(String user) {
    DeviceTable table = devices.get(user);
    return table != null && table.getDevices().stream().anyMatch(d -> d.getOnline());
  }
}
