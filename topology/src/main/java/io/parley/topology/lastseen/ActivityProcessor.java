package io.parley.topology.lastseen;

import io.parley.schemas.AppEvent;
import io.parley.schemas.state.DeviceTable;
import io.parley.topology.mailbox.MailboxStores;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts app and user events (a connection, a sign-in, the app coming to the foreground or going to
 * the background) as activity: the user was seen at the event's time. Coalesced by the same
 * {@link Presence} as heartbeats, so events add no last-seen records beyond one per interval.
 * The {@link HeartbeatProcessor}'s punctuator flushes what waits (both share the stores).
 */
public final class ActivityProcessor implements Processor<String, AppEvent, String, SpecificRecord> {
  private final java.time.Duration interval;
  private ProcessorContext<String, SpecificRecord> context;
  private Presence presence;
  private KeyValueStore<String, DeviceTable> devices;

  public ActivityProcessor(java.time.Duration interval) {
    this.interval = interval;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.presence = new Presence(context, interval);
    this.devices = context.getStateStore(MailboxStores.DEVICES);
  }

  @Override
  public void process(Record<String, AppEvent> record) {
    String user = record.key(); // the decoder let only user ids through
    presence.seen(user, record.value().getAt(), online(user), context.currentSystemTimeMs());
  }

  private boolean online(String user) {
    DeviceTable table = devices.get(user);
    return table != null && table.getDevices().stream().anyMatch(d -> d.getOnline());
  }
}
