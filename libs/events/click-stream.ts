import type { Click } from './click.js';

/** The Redis stream clicks wait in between the redirect and PostgreSQL. */
export const CLICK_STREAM = 'clicks';
export const CLICK_GROUP = 'click-writers';
/** One stream entry carries a whole batch of clicks: one XADD per batch, not per redirect. */
export const CLICKS_FIELD = 'clicks';

export function encodeClicks(clicks: Click[]): Record<string, string> {
  return { [CLICKS_FIELD]: JSON.stringify(clicks) };
}

/** Joins the JSON arrays of several entries into one, without parsing them. */
export function joinClickBatches(messages: Record<string, string>[]): string {
  const parts = messages.map((message) => (message[CLICKS_FIELD] ?? '[]').trim().slice(1, -1).trim()).filter(Boolean);
  return `[${parts.join(',')}]`;
}
