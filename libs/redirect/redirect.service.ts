import { Injectable } from '@nestjs/common';
import { ClickRecorder } from '../events/click-recorder.js';
import { isAllowedShortCode } from '../urls/short-code.generator.js';
import { UrlsService } from '../urls/urls.service.js';

export interface Visit {
  shortCode: string;
  /** HEAD requests (link checkers, previews) are answered but are not clicks. */
  countsAsClick: boolean;
  referrer: string | null;
  userAgent: string | null;
  /** True once the visitor's connection has closed (the redirect can no longer be delivered). */
  clientGone?: () => boolean;
}

export type VisitResult =
  | { outcome: 'redirected'; location: string }
  | { outcome: 'not_found' }
  /** The visitor left before the click could be recorded: nothing was, and no one awaits the 302. */
  | { outcome: 'abandoned'; location: string };

@Injectable()
export class RedirectService {
  constructor(
    private readonly urls: UrlsService,
    private readonly clicks: ClickRecorder,
  ) {}

  /** Resolves the code and, for a GET, records its click before the redirect may be sent. */
  async visit(visit: Visit): Promise<VisitResult> {
    if (!isAllowedShortCode(visit.shortCode)) return { outcome: 'not_found' };
    const target = await this.urls.resolve(visit.shortCode);
    if (!target) return { outcome: 'not_found' };
    if (visit.countsAsClick) {
      const recorded = await this.clicks.record(
        { urlId: target.id, ownerId: target.user_id, referrer: visit.referrer, userAgent: visit.userAgent },
        visit.clientGone,
      );
      if (!recorded) return { outcome: 'abandoned', location: target.original_url };
    }
    return { outcome: 'redirected', location: target.original_url };
  }
}
