package io.parley.analytics.messages;

import java.io.IOException;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * Decodes a {@code messages} record value — Avro single-object encoding: {@code C3 01}, the writer
 * schema's 64-bit fingerprint, the body — written under the current StoredMessage schema or any older
 * one. A value it cannot decode comes back as the reason, never as an exception.
 */
public final class MessageDecoder {
  /** Why a record went to the dead letters. */
  public enum Failure {
    EMPTY("empty"), NOT_AVRO("not-avro"), UNKNOWN_SCHEMA("unknown-schema"), CORRUPT("corrupt");

    public final String reason;

    Failure(String reason) {
      this.reason = reason;
    }
  }

  /** Either a message or why there is none. */
  public record Result(Optional<ChatLine> message, Optional<Failure> failure) {
    static Result of(ChatLine m) {
      return new Result(Optional.of(m), Optional.empty());
    }

    static Result failed(Failure f) {
      return new Result(Optional.empty(), Optional.of(f));
    }
  }

  private final BinaryMessageDecoder<GenericRecord> decoder;

  public MessageDecoder() {
    Schema current = ParleySchemas.storedMessage();
    decoder = new BinaryMessageDecoder<>(GenericData.get(), current);
    ParleySchemas.olderStoredMessages().forEach(decoder::addSchema);
  }

  public Result decode(byte[] value) {
    if (value == null || value.length == 0) {
      return Result.failed(Failure.EMPTY);
    }
    try {
      GenericRecord stored = decoder.decode(value);
      return Result.of(ChatLine.from(stored));
    } catch (BadHeaderException e) {
      return Result.failed(Failure.NOT_AVRO);
    } catch (MissingSchemaException e) {
      return Result.failed(Failure.UNKNOWN_SCHEMA);
    } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException
        | IndexOutOfBoundsException | NegativeArraySizeException e) {
      return Result.failed(Failure.CORRUPT);
    }
  }
}
