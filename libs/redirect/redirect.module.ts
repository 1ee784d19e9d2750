import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { UrlsModule } from '../urls/urls.module.js';
import { RedirectController } from './redirect.controller.js';
import { RedirectService } from './redirect.service.js';

@Module({
  imports: [UrlsModule, EventsModule],
  controllers: [RedirectController],
  providers: [RedirectService],
})
export class RedirectModule {}
