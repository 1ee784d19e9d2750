import { Injectable, NotFoundException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { ImportReport } from '../csv-import/import-report.js';
import { UrlsService } from '../urls/urls.service.js';
import { UsersService } from '../users/users.service.js';
import type { CreateEventDto } from './dto/create-event.dto.js';
import type { Event } from './event.entity.js';
import { EventsService } from './events.service.js';

/** Events sent by clients: their url and user must exist, which only the owning modules can say. */
@Injectable()
export class EventSubmissionService {
  constructor(
    private readonly events: EventsService,
    private readonly urls: UrlsService,
    private readonly users: UsersService,
  ) {}

  async create(input: CreateEventDto): Promise<Event> {
    const url = await this.urls.get(input.url_id);
    const userId = input.user_id ?? url.user_id;
    if (input.user_id != null && !(await this.users.exists(input.user_id))) {
      throw new NotFoundException({ error: `user ${input.user_id} not found` });
    }
    const [event] = await this.events.record([
      { url_id: url.id, user_id: userId, event_type: input.event_type, details: input.details ?? {} },
    ]);
    return event;
  }

  importCsv(input: Readable): Promise<ImportReport> {
    return this.events.importCsv(input, {
      existingUrlIds: (ids) => this.urls.existingIds(ids),
      existingUserIds: (ids) => this.users.existingIds(ids),
    });
  }
}
