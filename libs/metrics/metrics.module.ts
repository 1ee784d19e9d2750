import { Module, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { MetricsController } from './metrics.controller.js';

/** GET /metrics in Prometheus text format, with the process defaults (CPU, memory, event loop, GC). */
@Module({ controllers: [MetricsController] })
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    // The registry is process-wide; a second app in one process (tests) must not register twice.
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register });
  }
}
