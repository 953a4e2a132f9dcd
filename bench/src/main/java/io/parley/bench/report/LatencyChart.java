package io.parley.bench.report;

import io.parley.bench.load.StepResult;
import io.parley.bench.scenario.RateSearch;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Latency percentiles over offered rate, one line per percentile (and the other guarantee's p99). */
public final class LatencyChart {
  private static final double[] PERCENTILES = {50, 90, 99, 99.9};

  private LatencyChart() {}

  public static void write(Path file, RateSearch.Result main, RateSearch.Result other) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection data = new XYSeriesCollection();
    for (double p : PERCENTILES) {
      data.addSeries(series(main.label() + " p" + format(p), main.byRate(), p));
    }
    if (other != null) {
      data.addSeries(series(other.label() + " p99", other.byRate(), 99));
    }
    NumberAxis rate = new NumberAxis("offered 1:1 messages per second");
    LogarithmicAxis latency = new LogarithmicAxis("sender-to-recipient latency, ms (log scale)");
    latency.setStrictValuesFlag(false);
    latency.setExpTickLabelsFlag(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colors = {new Color(0x2b8cbe), new Color(0x41ab5d), new Color(0xe6550d), new Color(0x8c2d04), new Color(0x756bb1)};
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, colors[i % colors.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    if (other != null) {
      renderer.setSeriesStroke(data.getSeriesCount() - 1,
          new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }
    XYPlot plot = new XYPlot(data, rate, latency, renderer);
    ValueMarker limit = new ValueMarker(main.p99LimitMs(), Color.GRAY, new BasicStroke(1f));
    limit.setLabel("p99 limit " + Math.round(main.p99LimitMs()) + " ms");
    limit.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    limit.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
    plot.addRangeMarker(limit);
    if (main.maxRate() > 0) {
      ValueMarker max = new ValueMarker(main.maxRate(), Color.DARK_GRAY, new BasicStroke(1f));
      max.setLabel("max " + Math.round(main.maxRate()) + "/s");
      max.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      max.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(max);
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart("Parley 1:1 latency percentiles over offered rate", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    Files.createDirectories(file.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 960, 540);
  }

  private static XYSeries series(String name, List<StepResult> steps, double percentile) {
    XYSeries s = new XYSeries(name, true, true);
    for (StepResult step : steps) {
      double ms = step.deliveryMs(percentile);
      if (!Double.isNaN(ms)) {
        s.add(step.offeredRate(), Math.max(0.5, ms));
      }
    }
    return s;
  }

  static String format(double p) {
    return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
  }
}
