import { Module } from '@nestjs/common';
import { EventsApiModule } from '../events/events-api.module.js';
import { UrlsModule } from '../urls/urls.module.js';
import { UsersModule } from '../users/users.module.js';
import { SeedService } from './seed.service.js';

@Module({
  imports: [UsersModule, UrlsModule, EventsApiModule],
  providers: [SeedService],
  exports: [SeedService],
})
export class SeedModule {}
