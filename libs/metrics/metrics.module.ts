import { Module, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { DependencyGauges } from './dependency-gauges.js';
import { MetricsController } from './metrics.controller.js';
import { registerServiceMetrics } from './registered.js';
import { RequestObserver } from './request-observer.js';

/** GET /metrics: golden signals, cache and click pipeline, pools, and the process defaults. */
@Module({
  controllers: [MetricsController],
  providers: [RequestObserver, DependencyGauges],
})
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    // The registry is process-wide: a second app in one process (tests) must not register twice.
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register });
    registerServiceMetrics(register);
  }
}
