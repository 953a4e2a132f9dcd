package io.parley.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.schemas.Ack;
import io.parley.schemas.Attachment;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Deliver;
import io.parley.schemas.DeviceRegistered;
import io.parley.schemas.DeviceRemoved;
import io.parley.schemas.Envelope;
import io.parley.schemas.MailboxCommand;
import io.parley.schemas.Receipt;
import io.parley.schemas.ReceiptStatus;
import io.parley.schemas.state.DeviceTable;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static ChatMessage message() {
    return ChatMessage.newBuilder()
        .setId("m-1").setFrom("alice").setFromDevice("phone").setConversation("dm:alice:bob")
        .setBody("hello").setSentAt(1_700_000_000_000L)
        .setAttachments(List.of(new Attachment("ab".repeat(32), "image/png", 10L, null, "cat.png")))
        .build();
  }

  @Test
  void shouldRoundTripEveryCommandVariant() {
    AvroSerde<MailboxCommand> serde = AvroSerde.of(MailboxCommand.class);
    MailboxCommand deliver = new MailboxCommand(new Deliver(new Envelope(message()), List.of()));
    MailboxCommand ack = new MailboxCommand(new Ack("phone", 7L, ReceiptStatus.READ, 5L, false));

    assertThat(serde.deserialize("t", serde.serialize("t", deliver))).isEqualTo(deliver);
    assertThat(serde.deserialize("t", serde.serialize("t", ack))).isEqualTo(ack);
  }

  @Test
  void shouldDecodeRecordsWrittenWithAnOlderSchemaAddedAtRuntime() throws Exception {
    // An older Delivery had no notice field: a reader on today's schema fills the default.
    Schema older = SchemaBuilder.record("Delivery").namespace("io.parley.schemas").fields()
        .requiredString("user")
        .name("targets").type().array().items(io.parley.schemas.DeliveryTarget.getClassSchema()).noDefault()
        .requiredLong("seq")
        .endRecord();
    GenericRecord old = new GenericData.Record(older);
    old.put("user", "bob");
    old.put("targets", List.of());
    old.put("seq", 3L);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old);

    AvroSerde<io.parley.schemas.Delivery> serde = AvroSerde.of(io.parley.schemas.Delivery.class);
    serde.addWriterSchema(older);
    var decoded = serde.decode(toArray(bytes));

    assertThat(decoded.getSeq()).isEqualTo(3L);
    assertThat(decoded.getNotice()).isNull();
    assertThat(decoded.getEnvelope()).isNull();
  }

  @Test
  void shouldDecodeOlderWriterSchemasListedInTheHistoryIndex() throws Exception {
    // src/test/resources/avro/history holds the ChatMessage from before attachments and groups.
    Schema older = new Schema.Parser().parse(
        getClass().getResourceAsStream("/avro/history/io.parley.schemas.ChatMessage.v0.avsc"));
    GenericRecord old = new GenericData.Record(older);
    old.put("id", "m-9");
    old.put("from", "carol");
    old.put("fromDevice", "web");
    old.put("conversation", "dm:bob:carol");
    old.put("body", "from the past");
    old.put("sentAt", 42L);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old);

    ChatMessage decoded = AvroSerde.of(ChatMessage.class).decode(toArray(bytes));

    assertThat(decoded.getBody()).isEqualTo("from the past");
    assertThat(decoded.getAttachments()).isEmpty();
    assertThat(decoded.getGroup()).isNull();
  }

  @Test
  void shouldDecodeMailboxCommandsWrittenBeforeNotifyExisted() throws Exception {
    Schema v1 = new Schema.Parser().parse(getClass().getResourceAsStream("/avro/history/io.parley.schemas.MailboxCommand.v1.avsc"));
    Schema ackV1 = v1.getField("command").schema().getTypes().stream().filter(t -> t.getName().equals("Ack")).findFirst().orElseThrow();
    GenericRecord ack = new GenericData.Record(ackV1);
    ack.put("device", "phone");
    ack.put("seq", 4L);
    ack.put("status", new GenericData.EnumSymbol(ackV1.getField("status").schema(), "READ"));
    ack.put("at", 9L);
    GenericRecord command = new GenericData.Record(v1);
    command.put("command", ack);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(command);

    MailboxCommand decoded = AvroSerde.of(MailboxCommand.class).decode(toArray(bytes));

    assertThat(decoded.getCommand()).isEqualTo(new Ack("phone", 4L, ReceiptStatus.READ, 9L, false));
  }

  @Test
  void shouldDecodeAnAckWrittenBeforeCumulativeAcksAsASingleSeq() throws Exception {
    Schema v2 = new Schema.Parser().parse(getClass().getResourceAsStream("/avro/history/io.parley.schemas.MailboxCommand.v2.avsc"));
    Schema ackV2 = v2.getField("command").schema().getTypes().stream().filter(t -> t.getName().equals("Ack")).findFirst().orElseThrow();
    GenericRecord ack = new GenericData.Record(ackV2);
    ack.put("device", "phone");
    ack.put("seq", 4L);
    ack.put("status", new GenericData.EnumSymbol(ackV2.getField("status").schema(), "DELIVERED"));
    ack.put("at", 9L);
    GenericRecord command = new GenericData.Record(v2);
    command.put("command", ack);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(command);

    MailboxCommand decoded = AvroSerde.of(MailboxCommand.class).decode(toArray(bytes));

    assertThat(decoded.getCommand()).isEqualTo(new Ack("phone", 4L, ReceiptStatus.DELIVERED, 9L, false));
  }

  @Test
  void shouldDecodeACommandWrittenBeforeDeviceRegistrationExisted() throws Exception {
    Schema v3 = new Schema.Parser().parse(getClass().getResourceAsStream("/avro/history/io.parley.schemas.MailboxCommand.v3.avsc"));
    Schema ackV3 = v3.getField("command").schema().getTypes().stream().filter(t -> t.getName().equals("Ack")).findFirst().orElseThrow();
    GenericRecord ack = new GenericData.Record(ackV3);
    ack.put("device", "phone");
    ack.put("seq", 12L);
    ack.put("status", new GenericData.EnumSymbol(ackV3.getField("status").schema(), "READ"));
    ack.put("at", 9L);
    ack.put("upTo", true);
    GenericRecord command = new GenericData.Record(v3);
    command.put("command", ack);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v3).encode(command);

    MailboxCommand decoded = AvroSerde.of(MailboxCommand.class).decode(toArray(bytes));

    assertThat(decoded.getCommand()).isEqualTo(new Ack("phone", 12L, ReceiptStatus.READ, 9L, true));
  }

  @Test
  void shouldDecodeADeliverWrittenBeforeItCouldNameMoreRecipients() throws Exception {
    Schema v4 = new Schema.Parser().parse(getClass().getResourceAsStream("/avro/history/io.parley.schemas.MailboxCommand.v4.avsc"));
    Schema deliverV4 = v4.getField("command").schema().getTypes().stream().filter(t -> t.getName().equals("Deliver")).findFirst().orElseThrow();
    Schema envelopeV4 = deliverV4.getField("envelope").schema();
    Schema receiptV4 = envelopeV4.getField("payload").schema().getTypes().stream().filter(t -> t.getName().equals("Receipt")).findFirst().orElseThrow();
    GenericRecord receipt = new GenericData.Record(receiptV4);
    receipt.put("messageId", "m1");
    receipt.put("conversation", "dm:alice:bob");
    receipt.put("by", "bob");
    receipt.put("status", new GenericData.EnumSymbol(receiptV4.getField("status").schema(), "DELIVERED"));
    receipt.put("at", 9L);
    GenericRecord envelope = new GenericData.Record(envelopeV4);
    envelope.put("payload", receipt);
    GenericRecord deliver = new GenericData.Record(deliverV4);
    deliver.put("envelope", envelope);
    GenericRecord command = new GenericData.Record(v4);
    command.put("command", deliver);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v4).encode(command);

    MailboxCommand decoded = AvroSerde.of(MailboxCommand.class).decode(toArray(bytes));

    assertThat(decoded.getCommand()).isInstanceOfSatisfying(Deliver.class, d -> {
      assertThat(d.getAlsoTo()).isEmpty();
      assertThat(d.getEnvelope().getPayload()).isEqualTo(new Receipt("m1", "dm:alice:bob", "bob", ReceiptStatus.DELIVERED, 9L));
    });
  }

  @Test
  void shouldRoundTripDeviceRegistrationAndRemoval() {
    AvroSerde<MailboxCommand> serde = AvroSerde.of(MailboxCommand.class);
    MailboxCommand registered = new MailboxCommand(new DeviceRegistered("tablet", 5L));
    MailboxCommand removed = new MailboxCommand(new DeviceRemoved("tablet", 6L));

    assertThat(serde.deserialize("t", serde.serialize("t", registered))).isEqualTo(registered);
    assertThat(serde.deserialize("t", serde.serialize("t", removed))).isEqualTo(removed);
  }

  @Test
  void shouldReadADeviceTableStoredBeforeRegisteredDevicesAsConnectedOnes() throws Exception {
    Schema v2 = new Schema.Parser().parse(getClass().getResourceAsStream("/avro/history/io.parley.schemas.state.DeviceTable.v2.avsc"));
    Schema deviceV2 = v2.getField("devices").schema().getElementType();
    GenericRecord device = new GenericData.Record(deviceV2);
    device.put("device", "phone");
    device.put("online", false);
    device.put("incarnation", 0L);
    device.put("cursor", 7L);
    device.put("ackedAbove", List.of());
    device.put("routedUpTo", 7L);
    device.put("inFlight", 0);
    device.put("lastActiveAt", 3L);
    GenericRecord table = new GenericData.Record(v2);
    table.put("devices", List.of(device));
    table.put("lastSeq", 7L);
    table.put("inboxSweepAt", 0L);
    table.put("readUpTo", 0L);
    table.put("dedupeSweepAt", 0L);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(table);

    DeviceTable decoded = AvroSerde.of(DeviceTable.class).decode(toArray(bytes));

    assertThat(decoded.getDevices()).singleElement().satisfies(d -> {
      assertThat(d.getCursor()).isEqualTo(7L);
      assertThat(d.getAwaitingFirstSession()).isFalse();
    });
  }

  @Test
  void shouldNotDecodeAnUnknownWriterSchema() throws Exception {
    Schema unknown = SchemaBuilder.record("ChatMessage").namespace("io.parley.schemas").fields()
        .requiredString("id").requiredInt("surprise").endRecord();
    GenericRecord rec = new GenericData.Record(unknown);
    rec.put("id", "x");
    rec.put("surprise", 1);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), unknown).encode(rec);

    assertThatThrownBy(() -> AvroSerde.of(ChatMessage.class).decode(toArray(bytes)))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldRefuseBytesThatAreNotARecord() {
    AvroSerde<MailboxCommand> serde = AvroSerde.of(MailboxCommand.class);
    assertThatThrownBy(() -> serde.deserialize("t", "{\"not\":\"avro\"}".getBytes()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("MailboxCommand");
  }

  @Test
  void shouldRefuseARecordOfAnotherType() {
    byte[] ack = AvroSerde.of(Ack.class).encode(new Ack("phone", 1L, ReceiptStatus.DELIVERED, 1L, false));
    assertThatThrownBy(() -> AvroSerde.of(MailboxCommand.class).decode(ack))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldRefuseATruncatedRecord() {
    AvroSerde<MailboxCommand> serde = AvroSerde.of(MailboxCommand.class);
    byte[] full = serde.encode(new MailboxCommand(new Deliver(new Envelope(message()), List.of())));
    byte[] cut = java.util.Arrays.copyOf(full, full.length / 2);
    assertThatThrownBy(() -> serde.decode(cut)).isInstanceOf(SerializationException.class);
  }

  private static byte[] toArray(ByteBuffer buffer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
    return out.toByteArray();
  }
}
