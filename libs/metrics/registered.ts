import {
  Counter,
  Gauge,
  Histogram,
  register,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
  type Registry,
} from 'prom-client';

/**
 * The service's own metrics are created once, unregistered, and put into the registry by
 * MetricsModule when an app starts. Tests may then clear the process-wide registry between app
 * instances: each new app registers them again, reset, with no "already registered" error.
 */
interface Named {
  name: string;
  reset(): void;
}

const serviceMetrics: Named[] = [];

function track<M>(metric: M): M {
  serviceMetrics.push(metric as unknown as Named);
  return metric;
}

export function counter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return track(new Counter({ ...config, registers: [] }));
}

export function gauge<T extends string>(config: GaugeConfiguration<T>): Gauge<T> {
  return track(new Gauge({ ...config, registers: [] }));
}

export function histogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  return track(new Histogram({ ...config, registers: [] }));
}

/** Puts every service metric missing from the registry into it, starting from zero. */
export function registerServiceMetrics(registry: Registry = register): void {
  for (const metric of serviceMetrics) {
    if (registry.getSingleMetric(metric.name)) continue;
    metric.reset();
    registry.registerMetric(metric as unknown as Metric);
  }
}
