import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClickConsumer } from './click-consumer.js';
import { ClickRecorder } from './click-recorder.js';
import { Event } from './event.entity.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';

/** Event storage and queries. The HTTP API for events lives in EventsApiModule, which also needs urls. */
@Module({
  imports: [TypeOrmModule.forFeature([Event])],
  providers: [EventsRepository, EventsService, ClickRecorder, ClickConsumer],
  exports: [EventsService, ClickRecorder, ClickConsumer],
})
export class EventsModule {}
