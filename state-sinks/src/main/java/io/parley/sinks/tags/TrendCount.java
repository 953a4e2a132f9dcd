package io.parley.sinks.tags;

/** How many messages one topic had in one trend window (a {@code topic-trends} record); times in epoch ms. */
public record TrendCount(long windowStart, long windowEnd, String tag, long count) {}
