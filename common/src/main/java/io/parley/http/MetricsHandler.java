package io.parley.http;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Serves a Prometheus registry in the text exposition format. */
public final class MetricsHandler extends Handler.Abstract.NonBlocking {
  private final PrometheusRegistry registry;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  public MetricsHandler(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    writer.write(out, registry.scrape());
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, writer.getContentType());
    response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
    return true;
  }
}
