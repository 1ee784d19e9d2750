import type { Click } from './click.js';

/** The Redis stream clicks wait in between the redirect and PostgreSQL. */
export const CLICK_STREAM = 'clicks';
export const CLICK_GROUP = 'click-writers';
/** One stream entry carries a whole batch of clicks: one XADD per batch, not per redirect. */
export const CLICKS_FIELD = 'clicks';

export function encodeClicks(clicks: Click[]): Record<string, string> {
  return { [CLICKS_FIELD]: JSON.stringify(clicks) };
}

export function decodeClicks(message: Record<string, string>): Click[] {
  const raw = message[CLICKS_FIELD];
  if (!raw) return [];
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? (parsed as Click[]) : [];
}
