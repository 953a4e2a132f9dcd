package io.parley.topology.mailbox;

import io.parley.kafka.Topics;
import io.parley.model.Ids;
import io.parley.model.Conversations;
import io.parley.schemas.Ack;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Deliver;
import io.parley.schemas.Delivery;
import io.parley.schemas.DeliveryTarget;
import io.parley.schemas.DeviceRegistered;
import io.parley.schemas.DeviceRemoved;
import io.parley.schemas.Envelope;
import io.parley.schemas.GroupReceipt;
import io.parley.schemas.GatewayLease;
import io.parley.schemas.MailboxCommand;
import io.parley.schemas.Notice;
import io.parley.schemas.Notify;
import io.parley.schemas.Receipt;
import io.parley.schemas.ReceiptStatus;
import io.parley.schemas.SessionClosed;
import io.parley.schemas.SessionOpened;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.Sync;
import io.parley.schemas.state.DeviceState;
import io.parley.schemas.state.DeviceTable;
import io.parley.schemas.state.InboxEntry;
import io.parley.schemas.state.MessageRef;
import io.parley.topology.MailboxSettings;
import io.parley.topology.TopologyMetrics;
import io.parley.topology.handoff.Handoff;
import io.parley.topology.handoff.Origins;
import io.parley.topology.lastseen.Presence;
import io.parley.topology.leases.GatewayLeases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox of every user in one partition: gives each deliverable the user's next seq, keeps it
 * until every device has it, routes it to the gateways of online devices, turns acks into receipts
 * for the sender, and forgets sessions whose gateway stopped renewing its lease.
 */
public final class MailboxProcessor implements Processor<String, MailboxCommand, String, SpecificRecord> {
  private static final Logger log = LoggerFactory.getLogger(MailboxProcessor.class);

  /** Header naming the gateway whose delivery topic a routed record goes to. */
  public static final String GATEWAY_HEADER = "parley.gateway";
  public static final String DELIVERIES = "deliveries-sink";
  public static final String MAILBOX = "receipts-sink";
  public static final String MESSAGES = "messages-sink";
  public static final String GROUP_RECEIPTS = "group-receipts-sink";
  /** Notice code telling a gateway to close a socket whose device has a newer session. */
  public static final String SESSION_REPLACED = "session_replaced";
  /**
   * Most receipts one cumulative ack makes (the newest ones): a real client acks what it was sent,
   * a window at a time; a claim far beyond that costs one command a bounded amount of work.
   */
  static final int MAX_RECEIPTS_PER_ACK = 65_536;
  /** Most expired items removed in one punctuation, so one pass never stalls the thread. */
  private static final int EXPIRY_BATCH = 10_000;

  private final MailboxSettings settings;
  private final TopologyMetrics metrics;
  private final Handoff.Factory handoffs;
  private final Topics topics;
  private ProcessorContext<String, SpecificRecord> context;
  private Handoff<MailboxCommand> senders;
  private Handoff<GroupReceipt> groups;
  private Origins.Stamper stamps;
  private Origins.Gate once;
  private Mailbox mailbox;
  private KeyValueStore<String, GatewayLease> leases;
  private Presence presence;

  public MailboxProcessor(MailboxSettings settings, TopologyMetrics metrics, Handoff.Factory handoffs, Topics topics) {
    this.settings = settings;
    this.metrics = metrics;
    this.handoffs = handoffs;
    this.topics = topics;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.senders = handoffs.create(context, MAILBOX, topics.mailbox());
    this.groups = handoffs.create(context, GROUP_RECEIPTS, topics.groupReceipts());
    this.stamps = new Origins.Stamper(context);
    this.once = new Origins.Gate(context, Origins.STORE);
    this.mailbox = new Mailbox(context, settings.retention(), settings.dedupeTtl());
    this.leases = context.getStateStore(GatewayLeases.STORE);
    this.presence = new Presence(context, settings.lastSeenInterval());
    context.schedule(settings.leaseCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expireLeases);
    context.schedule(settings.expiryCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expireItems);
  }

  @Override
  public void process(Record<String, MailboxCommand> record) {
    if (!once.admit(record.headers())) {
      metrics.duplicate();
      return; // a hand-off written again by a task that replayed its input
    }
    String user = record.key();
    long now = context.currentSystemTimeMs();
    Object command = record.value().getCommand();
    if (command instanceof Deliver d) {
      deliver(user, d.getEnvelope(), now);
      // The group fan-out's hand-off names the members in this partition besides the key; it is
      // the only writer of alsoTo, which nothing but a group message may carry.
      boolean group = d.getEnvelope().getPayload() instanceof ChatMessage m && m.getGroup() != null;
      for (String member : d.getAlsoTo()) {
        if (group && Ids.isUser(member)) {
          deliver(member, d.getEnvelope(), now);
        } else {
          metrics.ignored("invalid_recipient");
        }
      }
    } else if (command instanceof Ack a) {
      ack(user, a, now);
    } else if (command instanceof SessionOpened o) {
      open(user, o.getDevice(), o.getGateway(), o.getIncarnation(), o.getSession(), o.getCursor(), now);
    } else if (command instanceof SessionClosed c) {
      close(user, c, now);
    } else if (command instanceof Sync s) {
      sync(user, s, now);
    } else if (command instanceof Notify n) {
      notify(user, n, now);
    } else if (command instanceof DeviceRegistered r) {
      register(user, r, now);
    } else if (command instanceof DeviceRemoved r) {
      remove(user, r, now);
    } else {
      metrics.ignored("unknown_command");
    }
  }

  // --- Deliver: dedupe, assign seq, keep, route to online devices ---

  private void deliver(String user, Envelope envelope, long now) {
    ChatMessage message = envelope.getPayload() instanceof ChatMessage m ? m : null;
    // A group message was deduplicated once for all members by the fan-out, and its hand-off is
    // applied once by its stamp: only a direct message, which a gateway writes, is checked here.
    ChatMessage direct = message != null && message.getGroup() == null ? message : null;
    if (direct != null && mailbox.seenMessage(user, direct.getFrom(), direct.getId()) != null) {
      metrics.duplicate();
      return;
    }
    DeviceTable table = mailbox.devices(user);
    long seq = Mailbox.nextSeq(table);
    mailbox.keep(user, table, seq, envelope, now);
    // No ref yet: the first receipt writes it from the inbox entry, with its flag already set.
    if (direct != null) {
      mailbox.rememberMessage(user, table, direct.getFrom(), direct.getId(), now);
      // A direct message has exactly one recipient mailbox, so this is its one history record.
      context.forward(new Record<>(direct.getConversation(), new StoredMessage(direct, now, List.of()), now), MESSAGES);
    }
    Map<String, List<DeliveryTarget>> byGateway = new LinkedHashMap<>();
    for (DeviceState d : table.getDevices()) {
      if (d.getOnline() && d.getRoutedUpTo() == seq - 1 && d.getInFlight() < settings.window()) {
        byGateway.computeIfAbsent(d.getGateway(), g -> new ArrayList<>()).add(new DeliveryTarget(d.getDevice(), d.getSession()));
        d.setRoutedUpTo(seq);
        d.setInFlight(d.getInFlight() + 1);
      }
    }
    mailbox.saveDevices(user, table);
    byGateway.forEach((gateway, targets) -> route(user, gateway, targets, seq, envelope, now));
  }

  // --- Ack: move the device's cursor, make a receipt, free the inbox, send more ---

  private void ack(String user, Ack ack, long now) {
    DeviceTable table = mailbox.devices(user);
    Optional<DeviceState> found = Devices.find(table, ack.getDevice());
    if (found.isEmpty()) {
      metrics.ignored("unknown_device");
      return;
    }
    if (ack.getSeq() < 1 || ack.getSeq() > Mailbox.lastSeq(table)) {
      metrics.ignored("seq_out_of_range");
      return;
    }
    DeviceState device = found.get();
    long before = Devices.minCursor(table);
    if (ack.getUpTo()) {
      ackUpTo(user, table, device, ack);
    } else {
      if (Devices.ack(device, ack.getSeq())) {
        freeWindowSlot(device, ack.getSeq());
      }
      receipt(user, ack.getSeq(), ack.getStatus(), ack.getAt());
    }
    device.setLastActiveAt(now);
    release(user, before, Devices.minCursor(table));
    pump(user, table, device, now);
    mailbox.saveDevices(user, table);
  }

  /**
   * A cumulative ack: every deliverable up to its seq. Each message it newly covers makes its receipt;
   * a cumulative read also covers messages this device had acked as delivered before.
   */
  private void ackUpTo(String user, DeviceTable table, DeviceState device, Ack ack) {
    if (device.getOnline()) {
      // every newly covered seq that was routed to this session frees a window slot
      long freed = Devices.unacked(device, 1, Math.min(ack.getSeq(), device.getRoutedUpTo()));
      device.setInFlight((int) Math.max(0, device.getInFlight() - freed));
    }
    List<Long> newlyAcked = Devices.ackUpTo(device, ack.getSeq(), MAX_RECEIPTS_PER_ACK);
    if (ack.getStatus() == ReceiptStatus.READ) {
      long from = Math.max(table.getReadUpTo() + 1, ack.getSeq() - MAX_RECEIPTS_PER_ACK + 1);
      for (long seq = from; seq <= ack.getSeq(); seq++) {
        receipt(user, seq, ReceiptStatus.READ, ack.getAt());
      }
      table.setReadUpTo(Math.max(table.getReadUpTo(), ack.getSeq()));
    } else {
      for (long seq : newlyAcked) {
        receipt(user, seq, ReceiptStatus.DELIVERED, ack.getAt());
      }
    }
  }

  /** A deliverable sent to the device's current session was acknowledged: its window has room for one more. */
  private static void freeWindowSlot(DeviceState device, long seq) {
    if (device.getOnline() && seq <= device.getRoutedUpTo()) {
      device.setInFlight(Math.max(0, device.getInFlight() - 1));
    }
  }

  private void receipt(String user, long seq, ReceiptStatus acked, long at) {
    MessageRef ref = refOf(user, seq);
    if (ref == null || ref.getFrom().equals(user)) {
      return; // a receipt, a notice, or a note to self: nobody to tell
    }
    ReceiptStatus status;
    Optional<String> group = Conversations.groupOf(ref.getConversation());
    boolean firstReceipt = !ref.getDeliveredReceiptSent();
    if (acked == ReceiptStatus.READ && !ref.getReadReceiptSent()) {
      status = ReceiptStatus.READ;
      ref.setReadReceiptSent(true);
      ref.setDeliveredReceiptSent(true);
    } else if (acked == ReceiptStatus.DELIVERED && !ref.getDeliveredReceiptSent()) {
      status = ReceiptStatus.DELIVERED;
      ref.setDeliveredReceiptSent(true);
    } else {
      return; // one receipt per status per message, however many devices ack
    }
    mailbox.putRef(user, seq, ref);
    if (group.isPresent()) {
      groupReceipt(group.get(), user, ref, status, at, status == ReceiptStatus.READ && firstReceipt);
      return;
    }
    Receipt receipt = new Receipt(ref.getMessageId(), ref.getConversation(), user, status, at);
    MailboxCommand toSender = new MailboxCommand(new Deliver(new Envelope(receipt), List.of()));
    senders.write(ref.getFrom(), toSender, context.currentSystemTimeMs(), stamps.next());
    metrics.receipt(status.name());
  }

  /** A member's receipt goes to the group's task, which passes it on or counts it (GroupFanout). */
  private void groupReceipt(String group, String member, MessageRef ref, ReceiptStatus status, long at, boolean withDelivered) {
    groups.write(group, new GroupReceipt(group, ref.getMessageId(), ref.getFrom(), member, status, at, withDelivered),
        context.currentSystemTimeMs(), stamps.next());
    metrics.receipt(status.name());
  }

  /**
   * Who sent the message at {@code seq}: its ref once a receipt was made, before that its inbox entry
   * (the first ack of a message always finds it: an entry goes only when every device has acked).
   */
  private MessageRef refOf(String user, long seq) {
    MessageRef ref = mailbox.ref(user, seq);
    if (ref != null) {
      return ref;
    }
    InboxEntry entry = mailbox.entry(user, seq);
    if (entry == null || !(entry.getEnvelope().getPayload() instanceof ChatMessage m)) {
      return null;
    }
    return new MessageRef(m.getId(), m.getFrom(), m.getConversation(), entry.getStoredAt(), false, false);
  }

  /** Drops inbox entries every device now has: seqs in (before, after]. */
  private void release(String user, long before, long after) {
    if (after > before) {
      mailbox.drop(user, before + 1, after);
    }
  }

  // --- Sessions ---

  private void open(String user, String deviceId, String gateway, long incarnation, String session, long cursor, long now) {
    DeviceTable table = mailbox.devices(user);
    long before = Devices.minCursor(table);
    boolean wasOnline = Devices.anyOnline(table);
    DeviceState device = Devices.admit(table, deviceId, settings.maxDevicesPerUser(), now);
    Devices.startFirstSession(device);
    if (device.getOnline()) {
      mailbox.unindexSession(device.getGateway(), device.getIncarnation(), user, deviceId);
      if (!session.equals(device.getSession())) {
        // The device connected again (maybe through another gateway): its old socket hears why it goes quiet.
        notice(user, device.getGateway(), new DeliveryTarget(deviceId, device.getSession()), SESSION_REPLACED,
            "this device connected again elsewhere", null, now);
      }
    }
    Devices.goOnline(device, gateway, incarnation, session, now);
    mailbox.indexSession(gateway, incarnation, user, deviceId, session);
    if (!wasOnline) {
      presence.sessionsChanged(user, true, now, now);
    }
    long last = Mailbox.lastSeq(table);
    // A client that does not say what it holds (cursor < 0) resumes from its acknowledged cursor.
    long claimed = cursor < 0 ? device.getCursor() : Math.min(cursor, last);
    Devices.advanceCursor(device, claimed);
    // Send everything after what the client says it holds, even what this device acked before:
    // a reinstalled app asks from 0 and gets whatever the inbox still has.
    device.setRoutedUpTo(claimed);
    device.setInFlight(0);
    release(user, before, Devices.minCursor(table));
    pump(user, table, device, now);
    mailbox.saveDevices(user, table);
  }

  private void close(String user, SessionClosed closed, long now) {
    DeviceTable table = mailbox.devices(user);
    Optional<DeviceState> device = Devices.find(table, closed.getDevice());
    if (device.isEmpty() || !closed.getSession().equals(device.get().getSession())) {
      metrics.ignored("stale_session");
      return; // the device already moved to a newer session
    }
    takeOffline(user, table, device.get(), now, now);
  }

  private void sync(String user, Sync sync, long now) {
    DeviceTable table = mailbox.devices(user);
    Optional<DeviceState> found = Devices.find(table, sync.getDevice());
    if (found.isEmpty() || !found.get().getOnline() || !sync.getSession().equals(found.get().getSession())) {
      if (sync.getAfter() < 0 && found.isPresent() && found.get().getOnline()) {
        // A gateway's own resync (after < 0) of a socket whose device has connected again since.
        metrics.ignored("stale_session");
        return;
      }
      // The session is alive (it just spoke) but the table lost it (a race with a close or a lease): reopen.
      open(user, sync.getDevice(), sync.getGateway(), sync.getIncarnation(), sync.getSession(), sync.getAfter(), now);
      return;
    }
    DeviceState device = found.get();
    long from = Math.max(sync.getAfter(), device.getCursor());
    if (from < device.getRoutedUpTo()) {
      device.setRoutedUpTo(from);
    }
    device.setInFlight(0);
    device.setLastActiveAt(now);
    pump(user, table, device, now);
    mailbox.saveDevices(user, table);
  }

  // --- Devices: signed in (registered by the directory) and signed out ---

  /**
   * From sign-in on, the inbox keeps every new deliverable for the device, as for one that connected
   * and went offline; a device the table knows is left as it is.
   */
  private void register(String user, DeviceRegistered registered, long now) {
    DeviceTable table = mailbox.devices(user);
    boolean hadDevices = !table.getDevices().isEmpty();
    long before = Devices.minCursor(table);
    if (!Devices.register(table, registered.getDevice(), settings.maxDevicesPerUser(), now)) {
      metrics.ignored("known_device");
      return;
    }
    if (hadDevices) {
      // A full table forgot a device to make room: what only that one held is free now. (Without
      // devices before, nothing is released: what waited for none waits for the new one's first session.)
      release(user, before, Devices.minCursor(table));
    }
    mailbox.saveDevices(user, table);
  }

  /**
   * A signed-out device: its session ends (its socket is told to close, or its next sync would
   * bring the device back), the table forgets it, and what only it held goes. With no device left,
   * the inbox keeps everything until retention, for the user's next sign-in.
   */
  private void remove(String user, DeviceRemoved removed, long now) {
    DeviceTable table = mailbox.devices(user);
    Optional<DeviceState> found = Devices.find(table, removed.getDevice());
    if (found.isEmpty()) {
      metrics.ignored("unknown_device");
      return;
    }
    DeviceState device = found.get();
    long before = Devices.minCursor(table);
    if (device.getOnline()) {
      // The gateway closes a socket told it was replaced (4001: do not reconnect this socket).
      notice(user, device.getGateway(), new DeliveryTarget(device.getDevice(), device.getSession()), SESSION_REPLACED,
          "this device signed out", null, now);
      takeOffline(user, table, device, now, now);
    }
    Devices.remove(table, device.getDevice());
    if (!table.getDevices().isEmpty()) {
      release(user, before, Devices.minCursor(table));
    }
    mailbox.saveDevices(user, table);
  }

  /** @param seenAt when the device was last known to be connected */
  private void takeOffline(String user, DeviceTable table, DeviceState device, long seenAt, long now) {
    mailbox.unindexSession(device.getGateway(), device.getIncarnation(), user, device.getDevice());
    Devices.goOffline(device, now);
    mailbox.saveDevices(user, table);
    if (!Devices.anyOnline(table)) {
      presence.sessionsChanged(user, false, seenAt, now);
    }
  }

  /** A notice for one device: sent if it is online, otherwise dropped (it is not a deliverable). */
  private void notify(String user, Notify notify, long now) {
    Optional<DeviceState> device = Devices.find(mailbox.devices(user), notify.getDevice());
    if (device.isEmpty() || !device.get().getOnline()) {
      metrics.ignored("notice_offline");
      return;
    }
    Notice n = notify.getNotice();
    notice(user, device.get().getGateway(), new DeliveryTarget(device.get().getDevice(), device.get().getSession()),
        n.getCode(), n.getMessage(), n.getRef(), now);
  }

  // --- Routing ---

  /** Sends the device what it has not been sent, in seq order, while its window has room. */
  private void pump(String user, DeviceTable table, DeviceState device, long now) {
    if (!device.getOnline()) {
      return;
    }
    long last = Mailbox.lastSeq(table);
    long from = device.getRoutedUpTo() + 1;
    if (from > last || device.getInFlight() >= settings.window()) {
      return;
    }
    long routedUpTo = last;
    int inFlight = device.getInFlight();
    List<DeliveryTarget> target = List.of(new DeliveryTarget(device.getDevice(), device.getSession()));
    for (KeyValue<Long, InboxEntry> entry : mailbox.unsent(user, device, from, last, settings.window() - inFlight)) {
      route(user, device.getGateway(), target, entry.key, entry.value.getEnvelope(), now);
      inFlight++;
      if (inFlight >= settings.window()) {
        routedUpTo = entry.key;
        break;
      }
    }
    device.setRoutedUpTo(routedUpTo);
    device.setInFlight(inFlight);
  }

  private void route(String user, String gateway, List<DeliveryTarget> targets, long seq, Envelope envelope, long now) {
    Delivery delivery = Delivery.newBuilder().setUser(user).setTargets(targets).setSeq(seq).setEnvelope(envelope).build();
    RecordHeaders headers = new RecordHeaders();
    headers.add(GATEWAY_HEADER, gateway.getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<>(user, delivery, now, headers), DELIVERIES);
    metrics.routed(targets.size());
  }

  private void notice(String user, String gateway, DeliveryTarget target, String code, String message, String ref, long now) {
    Delivery delivery = Delivery.newBuilder().setUser(user).setTargets(List.of(target)).setSeq(0)
        .setNotice(new Notice(code, message, ref)).build();
    RecordHeaders headers = new RecordHeaders();
    headers.add(GATEWAY_HEADER, gateway.getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<>(user, delivery, now, headers), DELIVERIES);
  }

  // --- Punctuation ---

  /**
   * Devices on a gateway whose lease ended, or on an older incarnation of a live gateway, go offline.
   * A lease that merely looks old spares the devices whose gateway spoke for them within the lease
   * timeout (an ack or a sync this mailbox applied): the gateway was alive then, and its renewals
   * may only be late (a Kafka outage, a lagging leases reader), not over.
   */
  private void expireLeases(long now) {
    long timeout = settings.leaseTimeout().toMillis();
    try (KeyValueIterator<String, GatewayLease> it = leases.all()) {
      while (it.hasNext()) {
        GatewayLease lease = it.next().value;
        boolean ended = lease.getStopped() || now - lease.getRenewedAt() > timeout;
        long through = ended ? lease.getIncarnation() : lease.getIncarnation() - 1;
        long activeSince = lease.getStopped() ? Long.MAX_VALUE : now - timeout;
        int expired = 0;
        for (Mailbox.IndexedSession s : mailbox.sessionsOf(lease.getGateway(), through)) {
          // an older incarnation's session always goes: its gateway restarted without it
          long spareIfActiveAfter = s.incarnation() == lease.getIncarnation() ? activeSince : Long.MAX_VALUE;
          expired += expireSession(s, lease, spareIfActiveAfter, now) ? 1 : 0;
        }
        if (expired > 0) {
          // Rare and decisive: these devices get nothing more until they connect or sync again.
          log.info("{} sessions on {} (incarnations through {}) taken offline: its lease {}", expired, lease.getGateway(), through,
              lease.getStopped() ? "was released" : ended ? "was last renewed " + (now - lease.getRenewedAt()) + " ms ago"
                  : "belongs to a newer incarnation");
        }
      }
    }
  }

  /**
   * @param spareIfActiveAfter a live session whose device was active after this stays online
   * @return whether a live session went offline (not just a stale index entry dropped)
   */
  private boolean expireSession(Mailbox.IndexedSession s, GatewayLease lease, long spareIfActiveAfter, long now) {
    String gateway = lease.getGateway();
    DeviceTable table = mailbox.devices(s.user());
    Optional<DeviceState> device = Devices.find(table, s.device());
    if (device.isPresent() && device.get().getOnline() && s.session().equals(device.get().getSession())) {
      if (device.get().getLastActiveAt() > spareIfActiveAfter) {
        return false;
      }
      // The device was last known alive when its gateway last renewed the lease.
      takeOffline(s.user(), table, device.get(), Math.min(lease.getRenewedAt(), now), now);
      metrics.sessionExpired();
      log.debug("session {} of {}/{} on {} expired with its gateway's lease", s.session(), s.user(), s.device(), gateway);
      return true;
    }
    mailbox.unindexSession(gateway, s.incarnation(), s.user(), s.device());
    return false;
  }

  private void expireItems(long now) {
    for (int i = mailbox.expire(now, EXPIRY_BATCH); i > 0; i--) {
      metrics.inboxExpired();
    }
  }
}
