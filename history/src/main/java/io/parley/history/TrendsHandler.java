package io.parley.history;

import io.parley.auth.Principal;
import io.parley.http.BearerTokens;
import io.parley.http.HttpError;
import io.parley.sinks.tags.TagReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/trends?windows=&top=}: the analytics job's newest trend windows (those that started
 * by now, newest first; default 10, the windows open now with the job's 10-minute windows sliding by
 * a minute), each with its {@code top} topics by message count (default 5). Any signed-in user may
 * read it: counts per topic say nothing about anyone.
 */
final class TrendsHandler extends ApiHandler {
  static final String PATH = "^/v1/trends$";
  static final int DEFAULT_WINDOWS = 10;
  static final int MAX_WINDOWS = 60;
  static final int DEFAULT_TOP = 5;
  static final int MAX_TOP = 10;
  private final HistoryStore store;

  TrendsHandler(HistoryStore store, BearerTokens bearer, HistoryMetrics metrics) {
    super("trends", bearer, metrics);
    this.store = store;
  }

  @Override
  Object get(Principal caller, String path, Fields query) throws HttpError {
    int windows = bounded(query, "windows", DEFAULT_WINDOWS, MAX_WINDOWS);
    int top = bounded(query, "top", DEFAULT_TOP, MAX_TOP);
    long now = System.currentTimeMillis();
    List<Map<String, Object>> out = new ArrayList<>();
    for (TagReader.Window w : store.trends(now, windows)) {
      List<Map<String, Object>> topics = new ArrayList<>();
      w.counts().entrySet().stream().limit(top).forEach(e -> {
        Map<String, Object> topic = new LinkedHashMap<>();
        topic.put("tag", e.getKey());
        topic.put("count", e.getValue());
        topics.add(topic);
      });
      Map<String, Object> window = new LinkedHashMap<>();
      window.put("start", w.start());
      window.put("end", w.end());
      window.put("complete", w.end() <= now);
      window.put("topics", topics);
      out.add(window);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("at", now);
    body.put("windows", out);
    return body;
  }

  private static int bounded(Fields query, String name, int fallback, int max) throws HttpError {
    String value = single(query, name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw HttpError.badRequest(name + " must be an integer from 1 to " + max);
  }
}
