package io.parley.analytics.stream;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.window;

import io.parley.analytics.tagging.Tagger;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data team's streaming job, two Structured Streaming queries:
 * <ol>
 *   <li>{@value #TAGS_QUERY} reads {@code messages}, decodes each record, tags each message and writes
 *       {@code message-tags} keyed {@code sender/messageId}; a record that does not decode goes as it
 *       is to {@code dead-letters}, counted, and the query goes on.</li>
 *   <li>{@value #TRENDS_QUERY} reads {@code message-tags}, drops a message id seen before within the
 *       watermark (Spark's Kafka sink writes at least once), and counts tags per sliding window of
 *       event time into the compacted {@code topic-trends}, the newest count per window and tag.</li>
 * </ol>
 * Both keep offsets and state in their checkpoint folder, so a restart resumes where they stopped.
 */
public final class TaggingJob implements AutoCloseable {
  public static final String TAGS_QUERY = "parley-message-tags";
  public static final String TRENDS_QUERY = "parley-topic-trends";
  /** The headers Parley's dead letters carry (as the topology writes them). */
  public static final String DLQ_REASON = "parley.dlq.reason";
  public static final String DLQ_TOPIC = "parley.dlq.topic";
  public static final String DLQ_PARTITION = "parley.dlq.partition";
  public static final String DLQ_OFFSET = "parley.dlq.offset";

  /** The JSON value of a {@code message-tags} record, as the trends query reads it back. */
  static final StructType TAG_VALUE = new StructType()
      .add("messageId", DataTypes.StringType)
      .add("sender", DataTypes.StringType)
      .add("conversation", DataTypes.StringType)
      .add("tag", DataTypes.StringType)
      .add("score", DataTypes.DoubleType)
      .add("tags", DataTypes.createArrayType(Tagger.SCORED))
      .add("model", DataTypes.StringType)
      .add("eventTime", DataTypes.TimestampType);

  private static final Logger log = LoggerFactory.getLogger(TaggingJob.class);

  private final SparkSession spark;
  private final QueryMetrics metrics;
  private final List<StreamingQuery> queries;

  private TaggingJob(SparkSession spark, QueryMetrics metrics, List<StreamingQuery> queries) {
    this.spark = spark;
    this.metrics = metrics;
    this.queries = queries;
  }

  public static TaggingJob start(SparkSession spark, JobConfig config, Tagger tagger) {
    AnalyticsTopics topics = new AnalyticsTopics(config.topicPrefix());
    topics.ensure(config.bootstrapServers());
    QueryMetrics metrics = QueryMetrics.serve(config.metricsHost(), config.metricsPort());
    spark.streams().addListener(metrics);
    try {
      StreamingQuery tags = startTags(spark, config, topics, tagger, metrics);
      StreamingQuery trends = startTrends(spark, config, topics);
      List<StreamingQuery> all = new java.util.ArrayList<>(List.of(tags, trends));
      if (topics.eventsExist(config.bootstrapServers())) {
        all.addAll(UsageQueries.start(spark, config, topics));
        log.info("deriving usage from {} into {}", topics.events(), topics.usage());
      } else {
        log.warn("no {} topic (Parley's gateways create it): usage is not derived", topics.events());
      }
      log.info("tagging {} into {} and {} with model {}; metrics on port {}", topics.messages(), topics.messageTags(),
          topics.topicTrends(), tagger.model().version(), metrics.port());
      return new TaggingJob(spark, metrics, List.copyOf(all));
    } catch (TimeoutException e) {
      metrics.close();
      throw new IllegalStateException("a streaming query did not start", e);
    }
  }

  public int metricsPort() {
    return metrics.port();
  }

  public List<StreamingQuery> queries() {
    return queries;
  }

  /** Blocks until a query stops; rethrows its failure. */
  public void awaitTermination() throws StreamingQueryException {
    spark.streams().awaitAnyTermination();
  }

  @Override
  public void close() throws TimeoutException {
    try {
      for (StreamingQuery q : queries) {
        q.stop();
      }
    } finally {
      spark.streams().removeListener(metrics);
      metrics.close();
    }
  }

  private static StreamingQuery startTags(SparkSession spark, JobConfig config, AnalyticsTopics topics, Tagger tagger,
      QueryMetrics metrics) throws TimeoutException {
    Dataset<Row> records = kafka(spark, config, topics.messages())
        .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"),
            Decoding.decode(col("value")).as("m"));
    VoidFunction2<Dataset<Row>, Long> write = (batch, id) -> writeTags(batch, config, topics, tagger, metrics);
    return records.writeStream()
        .queryName(TAGS_QUERY)
        .option("checkpointLocation", config.checkpoint("message-tags"))
        .trigger(Trigger.ProcessingTime(JobConfig.interval(config.trigger())))
        .foreachBatch(write)
        .start();
  }

  private static void writeTags(Dataset<Row> batch, JobConfig config, AnalyticsTopics topics, Tagger tagger,
      QueryMetrics metrics) {
    Dataset<Row> decoded = batch.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> messages = decoded.filter(col("m." + Decoding.FAILURE).isNull()).select(col("m.*"));
      Dataset<Row> tagged = tagger.tag(messages, "body");
      tagged.select(
              concat_ws("/", col("sender"), col("messageId")).as("key"),
              to_json(struct(col("messageId"), col("sender"), col("conversation"), col(Tagger.TAG), col(Tagger.SCORE),
                  col(Tagger.TAGS), lit(tagger.model().version()).as("model"),
                  timestamp_millis(col("sentAt")).as("eventTime"))).as("value"))
          .write().format("kafka")
          .option("kafka.bootstrap.servers", config.bootstrapServers())
          .option("topic", topics.messageTags())
          .save();
      metrics.tagged(messages.count());

      Dataset<Row> failed = decoded.filter(col("m." + Decoding.FAILURE).isNotNull());
      List<Row> reasons = failed.groupBy(col("m." + Decoding.FAILURE)).count().collectAsList();
      if (reasons.isEmpty()) {
        return;
      }
      failed.select(col("key"), col("value"), array(
              header(DLQ_REASON, col("m." + Decoding.FAILURE)),
              header(DLQ_TOPIC, col("topic")),
              header(DLQ_PARTITION, col("partition").cast("string")),
              header(DLQ_OFFSET, col("offset").cast("string"))).as("headers"))
          .write().format("kafka")
          .option("kafka.bootstrap.servers", config.bootstrapServers())
          .option("topic", topics.deadLetters())
          .save();
      for (Row r : reasons) {
        metrics.deadLettered(r.getString(0), r.getLong(1));
        log.warn("{} record(s) of {} could not be decoded ({}): sent to {}", r.getLong(1), topics.messages(),
            r.getString(0), topics.deadLetters());
      }
    } finally {
      decoded.unpersist();
    }
  }

  private static Column header(String name, Column value) {
    return struct(lit(name).as("key"), encode(value, "UTF-8").as("value"));
  }

  private static StreamingQuery startTrends(SparkSession spark, JobConfig config, AnalyticsTopics topics)
      throws TimeoutException {
    Dataset<Row> counts = kafka(spark, config, topics.messageTags())
        .select(col("key").cast("string").as("key"), from_json(col("value").cast("string"), TAG_VALUE).as("t"))
        .select(col("key"), col("t.tag").as("tag"), col("t.eventTime").as("eventTime"))
        .filter(col("tag").isNotNull().and(col("eventTime").isNotNull()))
        .withWatermark("eventTime", JobConfig.interval(config.watermark()))
        .dropDuplicatesWithinWatermark("key")
        .groupBy(window(col("eventTime"), JobConfig.interval(config.windowLength()), JobConfig.interval(config.windowSlide())),
            col("tag"))
        .count();
    return counts
        .select(
            concat(date_format(col("window.start"), "yyyy-MM-dd'T'HH:mm:ss'Z'"), lit("|"), col("tag")).as("key"),
            to_json(struct(col("window.start").as("windowStart"), col("window.end").as("windowEnd"), col("tag"),
                col("count"))).as("value"))
        .writeStream()
        .queryName(TRENDS_QUERY)
        .outputMode("update")
        .format("kafka")
        .option("kafka.bootstrap.servers", config.bootstrapServers())
        .option("topic", topics.topicTrends())
        .option("checkpointLocation", config.checkpoint("topic-trends"))
        .trigger(Trigger.ProcessingTime(JobConfig.interval(config.trigger())))
        .start();
  }

  private static Dataset<Row> kafka(SparkSession spark, JobConfig config, String topic) {
    return spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", config.bootstrapServers())
        .option("subscribe", topic)
        .option("startingOffsets", config.startingOffsets())
        // Records past the topic's retention are gone for every reader; the job goes on from what is left.
        .option("failOnDataLoss", "false")
        .load();
  }
}
