import { registerDecorator, type ValidationOptions } from 'class-validator';

export const TARGET_URL_MAX = 2048;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export type TargetUrlCheck = { ok: true; href: string } | { ok: false; reason: string };

/**
 * Only absolute http(s) URLs with a host may be shortened. The stored form is the WHATWG
 * serialisation (`new URL(x).href`): ASCII only, so it is always a legal Location header.
 */
export function checkTargetUrl(input: unknown): TargetUrlCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'must be a string' };
  const text = input.trim();
  if (!text) return { ok: false, reason: 'must not be blank' };
  if (text.length > TARGET_URL_MAX) return { ok: false, reason: `must be at most ${TARGET_URL_MAX} characters` };
  if (CONTROL_CHARACTERS.test(text)) return { ok: false, reason: 'must not contain control characters' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'must be an absolute URL such as https://example.com/page' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `must use http or https, not ${url.protocol.replace(/:$/, '')}` };
  }
  if (!url.hostname) return { ok: false, reason: 'must have a host' };
  if (url.href.length > TARGET_URL_MAX) return { ok: false, reason: `must be at most ${TARGET_URL_MAX} characters` };
  return { ok: true, href: url.href };
}

/** Normalises a URL the policy accepted; throws for one it refuses (callers validate first). */
export function normalizeTargetUrl(input: string): string {
  const check = checkTargetUrl(input);
  if (!check.ok) throw new Error(`target URL refused: ${check.reason}`);
  return check.href;
}

export function IsTargetUrl(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTargetUrl',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => checkTargetUrl(value).ok,
        defaultMessage: (args) => {
          const check = checkTargetUrl(args?.value);
          return `${args?.property} ${check.ok ? 'is invalid' : check.reason}`;
        },
      },
    });
}
