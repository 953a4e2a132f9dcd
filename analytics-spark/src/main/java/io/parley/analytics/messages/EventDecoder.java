package io.parley.analytics.messages;

import java.io.IOException;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Decodes an {@code events} record value (an AppEvent in Avro single-object encoding). A value that
 * does not decode comes back empty: the topology, which reads the same topic, dead-letters it.
 */
public final class EventDecoder {
  /** One app or user event. */
  public record Event(String user, String device, String name, long at, String session) {}

  private final BinaryMessageDecoder<GenericRecord> decoder =
      new BinaryMessageDecoder<>(GenericData.get(), ParleySchemas.appEvent());

  public Optional<Event> decode(byte[] value) {
    if (value == null || value.length == 0) {
      return Optional.empty();
    }
    try {
      GenericRecord r = decoder.decode(value);
      Object session = r.get("session");
      return Optional.of(new Event(r.get("user").toString(), r.get("device").toString(), r.get("name").toString(),
          (Long) r.get("at"), session == null ? null : session.toString()));
    } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException
        | IndexOutOfBoundsException | NegativeArraySizeException e) {
      return Optional.empty();
    }
  }
}
