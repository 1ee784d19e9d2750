import { Module } from '@nestjs/common';
import { UrlsModule } from '../urls/urls.module.js';
import { UsersModule } from '../users/users.module.js';
import { EventSubmissionService } from './event-submission.service.js';
import { EventsController } from './events.controller.js';
import { EventsModule } from './events.module.js';

/** GET/POST /events: kept apart from EventsModule because urls write events and events check urls. */
@Module({
  imports: [EventsModule, UrlsModule, UsersModule],
  controllers: [EventsController],
  providers: [EventSubmissionService],
  exports: [EventSubmissionService],
})
export class EventsApiModule {}
