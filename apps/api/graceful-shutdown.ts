import type { INestApplication, LoggerService } from '@nestjs/common';
import { ShutdownState } from '../../libs/health/shutdown-state.js';

/** Past this, in-flight requests are cut and the process exits non-zero. */
export const SHUTDOWN_LIMIT_MS = 10_000;

/**
 * SIGTERM/SIGINT: readiness turns 503, the listener stops accepting and in-flight requests
 * finish, then Nest's hooks flush the click buffer and drain the stream consumer, and the pools
 * close. Exit 0 when all of that ends within SHUTDOWN_LIMIT_MS.
 */
export function exitGracefullyOnSignals(app: INestApplication, logger: LoggerService): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    app.get(ShutdownState).beginDraining();
    logger.log(`${signal} received: draining`);
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${SHUTDOWN_LIMIT_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    try {
      await app.getHttpAdapter().close();
      await app.close();
      logger.log('shutdown complete');
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).stack}`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop(signal));
}
