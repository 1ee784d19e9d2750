import { Injectable } from '@nestjs/common';
import { EventsService } from './events.service.js';

export interface Click {
  urlId: number;
  ownerId: number;
  referrer: string | null;
  userAgent: string | null;
}

/** Records one `click` event per redirect served, before the redirect is answered. */
@Injectable()
export class ClickRecorder {
  constructor(private readonly events: EventsService) {}

  async record(click: Click): Promise<void> {
    await this.events.record([
      {
        url_id: click.urlId,
        user_id: click.ownerId,
        event_type: 'click',
        details: { referrer: click.referrer, user_agent: click.userAgent },
      },
    ]);
  }
}
