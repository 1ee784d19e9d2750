import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../common/config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';

/** The one TypeORM connection pool of the process, shared by every feature module. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      // Feature modules register their own entities with TypeOrmModule.forFeature.
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize }),
        autoLoadEntities: true,
      }),
    }),
  ],
})
export class DatabaseModule {}
