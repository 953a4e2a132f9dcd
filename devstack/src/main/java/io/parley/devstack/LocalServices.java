package io.parley.devstack;

import java.util.ArrayList;
import java.util.List;

/** The services the local stack runs besides Kafka, the topology and the gateways, in start order. */
final class LocalServices {
  private LocalServices() {}

  static List<LocalService> defaults() {
    List<LocalService> services = new ArrayList<>();
    services.add(new DirectoryLocalService());
    services.add(new AssetsLocalService());
    services.add(new CassandraService());
    services.add(new ConnectService());
    services.add(new HistoryService());
    services.add(new AnalyticsJobService());
    return services;
  }
}
