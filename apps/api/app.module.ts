import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { AppConfig } from '../../libs/common/config/app-config.js';
import { CacheModule } from '../../libs/cache/cache.module.js';
import { ConfigModule } from '../../libs/common/config/config.module.js';
import { DatabaseModule } from '../../libs/database/database.module.js';
import { EventsApiModule } from '../../libs/events/events-api.module.js';
import { HealthModule } from '../../libs/health/health.module.js';
import { MetricsModule } from '../../libs/metrics/metrics.module.js';
import { RedirectModule } from '../../libs/redirect/redirect.module.js';
import { SeedModule } from '../../libs/seed/seed.module.js';
import { UrlsModule } from '../../libs/urls/urls.module.js';
import { UsersModule } from '../../libs/users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          // Application logs only: request lines come from RequestObserver, one per request.
          pinoHttp: {
            level: config.logLevel,
            timestamp: pino.stdTimeFunctions.isoTime,
            autoLogging: false,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
          },
        }),
        DatabaseModule,
        CacheModule,
        HealthModule,
        MetricsModule,
        UsersModule,
        UrlsModule,
        EventsApiModule,
        SeedModule,
        // Last: its parameter route must be registered after every static one.
        RedirectModule,
      ],
    };
  }
}
