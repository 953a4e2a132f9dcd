package io.parley.devstack;

import io.parley.net.FreePorts;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.awaitility.Awaitility;

/**
 * A Kafka cluster of combined KRaft nodes (broker and controller), each a JVM of its own, so that a
 * test can SIGKILL one, SIGSTOP it (a machine that hangs: its sockets stay open, nothing answers) and
 * start it again on the same log folder. Replication 3 and min ISR 2 for every topic, Kafka's own
 * included, as a production cluster is set up. Logs go to {@code broker-<id>.log} in the folder; each
 * node's log folder is {@code broker-<id>-data} there, or a folder the test names (a small tmpfs).
 */
final class KafkaBrokers implements AutoCloseable {
  private static final List<Process> LIVE = new CopyOnWriteArrayList<>();
  /** The transactions protocol, as the local stack's ({@link EmbeddedKafka#TRANSACTION_VERSION}). */
  private static final String TRANSACTION_VERSION = String.valueOf(EmbeddedKafka.TRANSACTION_VERSION);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kafka-brokers-kill"));
  }

  private final Path dir;
  private final int[] ports;
  private final Map<Integer, Path> dataDirs;
  private final Process[] processes;

  private KafkaBrokers(Path dir, int[] ports, Map<Integer, Path> dataDirs) {
    this.dir = dir;
    this.ports = ports;
    this.dataDirs = Map.copyOf(dataDirs);
    this.processes = new Process[ports.length];
  }

  /** Formats and starts {@code count} nodes, and returns once every broker is registered. */
  static KafkaBrokers start(Path dir, int count, Duration timeout) throws Exception {
    return start(dir, count, timeout, Map.of());
  }

  /**
   * As {@link #start(Path, int, Duration)}, with the log folders of some nodes (by node id) where
   * the test puts them, e.g. on a filesystem of their own.
   */
  static KafkaBrokers start(Path dir, int count, Duration timeout, Map<Integer, Path> dataDirs) throws Exception {
    int[] ports = new int[count];
    int[] controllers = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = FreePorts.loopback();
      controllers[i] = FreePorts.loopback();
    }
    String voters = java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllers[i]).collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    KafkaBrokers cluster = new KafkaBrokers(dir, ports, dataDirs);
    try {
      for (int i = 0; i < count; i++) {
        Path props = cluster.writeProperties(i, controllers[i], voters, Math.min(count, 3));
        run(dir.resolve("broker-" + (i + 1) + "-format.log"), "kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
            props.toString(), "--feature", "transaction.version=" + TRANSACTION_VERSION);
      }
      for (int i = 0; i < count; i++) {
        cluster.startNode(i);
      }
      cluster.awaitBrokers(count, timeout);
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private Path writeProperties(int i, int controllerPort, String voters, int replication) throws IOException {
    Path logs = dataDirs.getOrDefault(i + 1, dir.resolve("broker-" + (i + 1) + "-data"));
    Files.createDirectories(logs);
    Map<String, String> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(i + 1));
    p.put("controller.quorum.voters", voters);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + ports[i] + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports[i]);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logs.toString());
    p.put("default.replication.factor", String.valueOf(replication));
    p.put("min.insync.replicas", String.valueOf(Math.max(1, replication - 1)));
    p.put("offsets.topic.replication.factor", String.valueOf(replication));
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", String.valueOf(replication));
    p.put("transaction.state.log.min.isr", String.valueOf(Math.max(1, replication - 1)));
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", String.valueOf(replication));
    p.put("share.coordinator.state.topic.min.isr", String.valueOf(Math.max(1, replication - 1)));
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("unclean.leader.election.enable", "false");
    p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    Path file = dir.resolve("broker-" + (i + 1) + ".properties");
    Properties props = new Properties();
    props.putAll(p);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(out, "Kafka node " + (i + 1));
    }
    return file;
  }

  private static List<String> java(String main, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main));
    command.addAll(List.of(args));
    return command;
  }

  private static void run(Path log, String main, String... args) throws Exception {
    Process p = new ProcessBuilder(java(main, args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(main + " failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private void startNode(int i) throws IOException {
    Path log = dir.resolve("broker-" + (i + 1) + ".log");
    ProcessBuilder builder = new ProcessBuilder(java("kafka.Kafka", dir.resolve("broker-" + (i + 1) + ".properties").toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    processes[i] = builder.start();
    LIVE.add(processes[i]);
  }

  String bootstrapServers() {
    return java.util.Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Node ids are 1..n. */
  long pid(int node) {
    return processes[node - 1].pid();
  }

  /** SIGKILL: no controlled shutdown; leadership moves when the controller notices (broker session timeout). */
  void kill(int node) throws InterruptedException {
    Process p = processes[node - 1];
    p.destroyForcibly();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("broker " + node + " did not die on SIGKILL");
    }
    LIVE.remove(p);
  }

  /** Starts a node again on its log folder (after {@link #kill}, or after it exited). */
  void restart(int node) throws IOException {
    LIVE.remove(processes[node - 1]);
    startNode(node - 1);
  }

  boolean alive(int node) {
    return processes[node - 1].isAlive();
  }

  /** The exit code of a node that ended (after {@link #alive} turned false). */
  int exitValue(int node) {
    return processes[node - 1].exitValue();
  }

  /** SIGSTOP: the process hangs with its sockets open; {@link #resume} continues it. */
  void pause(int node) throws Exception {
    FaultStack.signal(pid(node), "STOP");
  }

  void resume(int node) throws Exception {
    FaultStack.signal(pid(node), "CONT");
  }


  /** The node leading the most partitions of these topics (ties: the lowest id). */
  int busiestLeader(Collection<String> topics) throws Exception {
    return leaders(topics).entrySet().stream()
        .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(e -> -e.getKey())).orElseThrow().getKey();
  }

  /** How many partitions of these topics each node leads (nodes that lead none are absent). */
  Map<Integer, Integer> leaders(Collection<String> topics) throws Exception {
    Map<Integer, Integer> led = new HashMap<>();
    try (Admin admin = admin()) {
      for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
        d.partitions().forEach(p -> {
          if (p.leader() != null) {
            led.merge(p.leader().id(), 1, Integer::sum);
          }
        });
      }
    }
    return led;
  }

  /**
   * Makes {@code node} the preferred leader of every partition of these topics that it holds a
   * replica of (the same replicas, the node put first), then elects the preferred leaders, so that
   * a test knows before the cluster starts which node will lead them.
   */
  void lead(int node, Collection<String> topics) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new HashMap<>();
      for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
        for (TopicPartitionInfo p : d.partitions()) {
          List<Integer> replicas = new ArrayList<>(p.replicas().stream().map(Node::id).toList());
          if (replicas.remove(Integer.valueOf(node))) {
            replicas.add(0, node);
            moves.put(new TopicPartition(d.name(), p.partition()), Optional.of(new NewPartitionReassignment(replicas)));
          }
        }
      }
      admin.alterPartitionReassignments(moves).all().get(30, TimeUnit.SECONDS);
      Awaitility.await("replicas reordered").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> admin.listPartitionReassignments(moves.keySet()).reassignments().get(30, TimeUnit.SECONDS).isEmpty());
      for (Map.Entry<TopicPartition, Optional<Throwable>> e
          : admin.electLeaders(ElectionType.PREFERRED, moves.keySet()).partitions().get(30, TimeUnit.SECONDS).entrySet()) {
        if (e.getValue().isPresent() && !(e.getValue().get() instanceof ElectionNotNeededException)) {
          throw new IllegalStateException("cannot move the leader of " + e.getKey() + " to node " + node, e.getValue().get());
        }
      }
    }
  }

  /** Waits until every partition of these topics has all its replicas in sync again. */
  void awaitFullyReplicated(Collection<String> topics, Duration timeout) {
    try (Admin admin = admin()) {
      Awaitility.await("partitions back in sync").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() ->
          admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
              .flatMap(d -> d.partitions().stream()).allMatch(p -> p.isr().size() == p.replicas().size()));
    }
  }

  void awaitBrokers(int count, Duration timeout) {
    try (Admin admin = admin()) {
      Awaitility.await(count + " brokers registered").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
        for (int i = 0; i < processes.length; i++) {
          if (!processes[i].isAlive()) {
            throw new IllegalStateException("broker " + (i + 1) + " exited:\n" + tail(i + 1));
          }
        }
        try {
          return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == count;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notYet) {
          return false; // the quorum is still forming
        }
      });
    }
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
  }

  String tail(int node) {
    return ForkedJvm.tail(dir.resolve("broker-" + node + ".log"), 3_000);
  }

  @Override
  public void close() {
    for (Process p : processes) {
      if (p != null) {
        // a paused node cannot act on SIGTERM; SIGKILL is what ends a test cluster anyway
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        LIVE.remove(p);
      }
    }
  }
}
