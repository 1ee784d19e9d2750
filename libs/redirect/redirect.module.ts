import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { UrlsModule } from '../urls/urls.module.js';
import { RedirectRoute } from './redirect.route.js';
import { RedirectService } from './redirect.service.js';

@Module({
  imports: [UrlsModule, EventsModule],
  providers: [RedirectService, RedirectRoute],
})
export class RedirectModule {}
