import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Deterministic, distinct codes: `prefix` + base-62 of the index, padded. */
export function codeFor(prefix: string, index: number): string {
  let code = '';
  let n = index;
  do {
    code = CODE_ALPHABET[n % 62] + code;
    n = Math.floor(n / 62);
  } while (n > 0);
  return prefix + code.padStart(5, '0');
}

export async function writeUsersCsv(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,username,email,created_at\n');
  for (let i = 1; i <= count; i++) {
    if (!out.write(`${i},bench${i},bench${i}@example.com,2025-01-01 00:00:00\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** A urls.csv of `count` rows with ids from `firstId`, owned round-robin by `users` users. */
export async function writeUrlsCsv(path: string, count: number, firstId: number, prefix: string, users: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,user_id,short_code,original_url,title,is_active,created_at,updated_at\n');
  for (let i = 0; i < count; i++) {
    const id = firstId + i;
    const line = `${id},${(i % users) + 1},${codeFor(prefix, i)},https://example.com/bench/${id},Bench ${id},True,2025-01-01 00:00:00,2025-01-01 00:00:00\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
