package io.parley.analytics.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./parley analytics train | tag | run}: the data team's commands. */
@Command(name = "analytics", mixinStandardHelpOptions = true,
    description = "Parley's topic tagging: train and compare the models, tag a file, run the streaming job.",
    subcommands = {TrainCommand.class, TagCommand.class, RunCommand.class})
public final class AnalyticsCli implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new AnalyticsCli()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
