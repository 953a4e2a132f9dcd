package io.parley.topology.handoff;

import io.parley.schemas.MailboxCommand;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Where a processor puts a command into another user's mailbox (a receipt for a sender, a group
 * message for a member). Every command carries an {@link Origins} stamp, so the receiving mailbox
 * applies it once however often it is written.
 */
@FunctionalInterface
public interface MailboxWriter {
  void write(String user, MailboxCommand command, long timestamp, Headers headers);

  /** Makes the writer of one processor instance. */
  @FunctionalInterface
  interface Factory {
    MailboxWriter create(ProcessorContext<String, SpecificRecord> context, String sink);
  }

  /**
   * Forwards to the processor's own mailbox sink, inside the task's transaction. Readers then see the
   * command only after the commit, and the input partitions of the mailbox carry open transactions;
   * the TopologyTestDriver tests and the at-least-once comparison use it.
   */
  static Factory forwarding() {
    return (context, sink) -> (user, command, timestamp, headers) ->
        context.forward(new Record<>(user, command, timestamp, headers), sink);
  }
}
