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

@Injectable()
export class RedirectService {
  constructor(
    private readonly urls: UrlsService,
    private readonly clicks: ClickRecorder,
  ) {}

  /** The target to redirect to, with the click recorded; null when the code does not resolve. */
  async visit(visit: Visit): Promise<string | null> {
    if (!isAllowedShortCode(visit.shortCode)) return null;
    const target = await this.urls.resolve(visit.shortCode);
    if (!target) return null;
    if (visit.countsAsClick) {
      await this.clicks.record(
        { urlId: target.id, ownerId: target.user_id, referrer: visit.referrer, userAgent: visit.userAgent },
        visit.clientGone,
      );
    }
    return target.original_url;
  }
}
