import { describe, expect, it } from '@jest/globals';
import type { RedisConnection } from '../cache/redis-connection.js';
import { ClickRecorder } from './click-recorder.js';
import type { EventsService } from './events.service.js';

function setup(redisWorks: boolean, databaseWorks = true) {
  const streamed: string[] = [];
  const stored: string[] = [];
  const redis = {
    key: (name: string) => `t:${name}`,
    run: async (commands: (client: unknown) => Promise<unknown>) => {
      if (!redisWorks) throw new Error('redis down');
      return commands({ xAdd: async (_key: string, _id: string, fields: Record<string, string>) => streamed.push(fields.clicks) });
    },
  } as unknown as RedisConnection;
  const events = {
    recordClicksJson: async (json: string) => {
      if (!databaseWorks) throw new Error('db down');
      stored.push(json);
      return { written: 1, total: 1, oldestAt: 0 };
    },
  } as unknown as EventsService;
  return { recorder: new ClickRecorder(redis, events), streamed, stored };
}

const click = (urlId: number) => ({ urlId, ownerId: 1, referrer: null, userAgent: 'test' });

describe('ClickRecorder', () => {
  it('writes the clicks of one event-loop turn as one stream entry, each with its own id', async () => {
    const { recorder, streamed } = setup(true);
    await Promise.all([recorder.record(click(1)), recorder.record(click(2)), recorder.record(click(3))]);
    expect(streamed).toHaveLength(1);
    const clicks = JSON.parse(streamed[0]) as { urlId: number; id: string }[];
    expect(clicks.map((c) => c.urlId)).toEqual([1, 2, 3]);
    expect(new Set(clicks.map((c) => c.id)).size).toBe(3);
  });

  it('falls back to PostgreSQL when Redis refuses the batch', async () => {
    const { recorder, streamed, stored } = setup(false);
    await Promise.all([recorder.record(click(1)), recorder.record(click(2))]);
    expect(streamed).toEqual([]);
    expect(JSON.parse(stored[0])).toHaveLength(2);
  });

  it('refuses the visit (503) when neither store takes it', async () => {
    const { recorder } = setup(false, false);
    await expect(recorder.record(click(1))).rejects.toMatchObject({ status: 503 });
  });

  it('does not count a visitor who left before the redirect could be sent', async () => {
    const { recorder, streamed } = setup(true);
    expect(await Promise.all([recorder.record(click(1), () => true), recorder.record(click(2), () => false)])).toEqual([false, true]);
    expect((JSON.parse(streamed[0]) as { urlId: number }[]).map((c) => c.urlId)).toEqual([2]);
    await recorder.record(click(3), () => true);
    expect(streamed).toHaveLength(1);
  });

  it('flushes what is waiting', async () => {
    const { recorder, streamed } = setup(true);
    const pending = recorder.record(click(9));
    await recorder.flush();
    await pending;
    expect(streamed).toHaveLength(1);
  });
});
