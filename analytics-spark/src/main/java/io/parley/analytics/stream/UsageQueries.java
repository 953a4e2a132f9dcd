package io.parley.analytics.stream;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.window;

import io.parley.analytics.messages.EventDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Usage from the {@code events} topic into the compacted {@code usage} topic (JSON values):
 *
 * <ol>
 *   <li><b>parley-active-users-hour</b> and <b>parley-active-users-day</b>: distinct users with any
 *       event per UTC hour and day (HyperLogLog, {@code approx_count_distinct} at 1% relative error:
 *       Spark's streaming aggregations have no exact distinct count), update mode, keyed
 *       {@code active-users|hour|2026-12-02T02:00:00Z}; an event up to the watermark late still counts.</li>
 *   <li><b>parley-sessions</b>: a connection's length, a stream-stream join of each
 *       {@code connection_opened} with the {@code connection_closed} of the same session within a day,
 *       keyed {@code session|<session id>}. A session its gateway never closed (a crash: the lease ends
 *       it) has no length.</li>
 * </ol>
 */
final class UsageQueries {
  static final String HOURLY = "parley-active-users-hour";
  static final String DAILY = "parley-active-users-day";
  static final String SESSIONS = "parley-sessions";
  /** Sessions longer than this are not paired (their opening is forgotten). */
  static final Duration MAX_SESSION = Duration.ofDays(1);

  static final StructType EVENT = new StructType()
      .add("user", DataTypes.StringType, true)
      .add("device", DataTypes.StringType, true)
      .add("name", DataTypes.StringType, true)
      .add("at", DataTypes.LongType, true)
      .add("session", DataTypes.StringType, true);

  private static final ThreadLocal<EventDecoder> decoders = ThreadLocal.withInitial(EventDecoder::new);

  private UsageQueries() {}

  static List<StreamingQuery> start(SparkSession spark, JobConfig config, AnalyticsTopics topics) throws TimeoutException {
    return List.of(activeUsers(spark, config, topics, HOURLY, "hour", "1 hour"),
        activeUsers(spark, config, topics, DAILY, "day", "1 day"),
        sessions(spark, config, topics));
  }

  private static Dataset<Row> events(SparkSession spark, JobConfig config, AnalyticsTopics topics) {
    UDF1<byte[], Row> decode = UsageQueries::row;
    Column decoded = udf(decode, EVENT).asNondeterministic().apply(col("value"));
    return spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", config.bootstrapServers())
        .option("subscribe", topics.events())
        .option("startingOffsets", config.startingOffsets())
        .option("failOnDataLoss", "false")
        .load()
        .select(decoded.as("e"))
        .select(col("e.*"))
        .filter(col("user").isNotNull())
        .withColumn("eventTime", timestamp_millis(col("at")));
  }

  private static Row row(byte[] value) {
    return decoders.get().decode(value)
        .map(e -> RowFactory.create(e.user(), e.device(), e.name(), e.at(), e.session()))
        .orElse(RowFactory.create(null, null, null, null, null));
  }

  private static StreamingQuery activeUsers(SparkSession spark, JobConfig config, AnalyticsTopics topics, String name,
      String period, String length) throws TimeoutException {
    return events(spark, config, topics)
        .withWatermark("eventTime", JobConfig.interval(config.watermark()))
        .groupBy(window(col("eventTime"), length))
        .agg(approx_count_distinct(col("user"), 0.01).as("users"))
        .select(
            concat(lit("active-users|" + period + "|"), date_format(col("window.start"), "yyyy-MM-dd'T'HH:mm:ss'Z'")).as("key"),
            to_json(struct(lit("active_users").as("kind"), lit(period).as("period"), col("window.start").as("start"),
                col("window.end").as("end"), col("users"))).as("value"))
        .writeStream()
        .queryName(name)
        .outputMode("update")
        .format("kafka")
        .option("kafka.bootstrap.servers", config.bootstrapServers())
        .option("topic", topics.usage())
        .option("checkpointLocation", config.checkpoint(name))
        .trigger(Trigger.ProcessingTime(JobConfig.interval(config.trigger())))
        .start();
  }

  private static StreamingQuery sessions(SparkSession spark, JobConfig config, AnalyticsTopics topics) throws TimeoutException {
    Dataset<Row> events = events(spark, config, topics).filter(col("session").isNotNull());
    Dataset<Row> opened = events.filter(col("name").equalTo("connection_opened"))
        .select(col("session").as("openedSession"), col("user"), col("device"), col("at").as("openedAt"),
            col("eventTime").as("openedTime"))
        .withWatermark("openedTime", JobConfig.interval(config.watermark()));
    Dataset<Row> closed = events.filter(col("name").equalTo("connection_closed"))
        .select(col("session").as("closedSession"), col("at").as("closedAt"), col("eventTime").as("closedTime"))
        .withWatermark("closedTime", JobConfig.interval(config.watermark()));
    Dataset<Row> pairs = opened.join(closed, expr("openedSession = closedSession AND closedTime >= openedTime AND "
        + "closedTime <= openedTime + interval " + MAX_SESSION.toHours() + " hours"));
    return pairs
        .select(
            concat(lit("session|"), col("openedSession")).as("key"),
            to_json(struct(lit("session").as("kind"), col("openedSession").as("session"), col("user"), col("device"),
                col("openedAt"), col("closedAt"), col("closedAt").minus(col("openedAt")).divide(1000.0).as("seconds")))
                .as("value"))
        .writeStream()
        .queryName(SESSIONS)
        .outputMode("append")
        .format("kafka")
        .option("kafka.bootstrap.servers", config.bootstrapServers())
        .option("topic", topics.usage())
        .option("checkpointLocation", config.checkpoint(SESSIONS))
        .trigger(Trigger.ProcessingTime(JobConfig.interval(config.trigger())))
        .start();
  }
}
