import Metrics
import Prometheus

/// The process's Prometheus registry. swift-metrics allows one backend per process, so the
/// registry is bootstrapped once, the first time an application is built (tests build many).
enum MetricsRegistry {
    static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
