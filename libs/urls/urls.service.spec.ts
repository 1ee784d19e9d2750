import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import type { LinkCache } from '../cache/link-cache.js';
import type { EventsService } from '../events/events.service.js';
import type { NewEvent } from '../events/events.repository.js';
import type { UsersService } from '../users/users.service.js';
import type { ShortCodeGenerator } from './short-code.generator.js';
import type { Url } from './url.entity.js';
import type { NewUrl, UrlsRepository } from './urls.repository.js';
import { UrlsService } from './urls.service.js';

const manager = {} as EntityManager;

/** An in-memory stand-in for the urls table, enforcing the unique short code like the real index. */
class FakeUrls {
  rows: Url[] = [];
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return work(manager);
  }
  /** Like the real statement: nothing for an unknown owner (only user 1 exists here). */
  async insertWithCreatedEvent(url: NewUrl): Promise<Url | null> {
    if (url.user_id !== 1) return null;
    if (this.rows.some((row) => row.short_code === url.short_code)) {
      throw Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'urls_short_code_key' });
    }
    const row = { ...url, id: this.rows.length + 1, is_active: true, created_at: new Date(0), updated_at: new Date(0) } as Url;
    this.rows.push(row);
    return row;
  }
  async findByIdForUpdate(_m: EntityManager, id: number): Promise<Url | null> {
    return this.rows.find((row) => row.id === id) ?? null;
  }
  async save(_m: EntityManager, url: Url): Promise<Url> {
    return url;
  }
}

describe('UrlsService', () => {
  let urls: FakeUrls;
  let events: NewEvent[];
  let codes: string[];
  let service: UrlsService;
  let invalidated: string[];

  beforeEach(() => {
    urls = new FakeUrls();
    events = [];
    codes = [];
    const users = { onUserDeleted: () => undefined } as unknown as UsersService;
    const eventsService = {
      record: async (batch: NewEvent[]) => {
        events.push(...batch);
        return [];
      },
    } as unknown as EventsService;
    const generator = { next: () => codes.shift() ?? 'fallback' } as unknown as ShortCodeGenerator;
    invalidated = [];
    const cache = {
      get: (code: string, load: (code: string) => Promise<unknown>) => load(code),
      invalidate: async (codes: string[]) => {
        invalidated.push(...codes);
      },
    } as unknown as LinkCache;
    service = new UrlsService(urls as unknown as UrlsRepository, users, eventsService, generator, cache);
  });

  it('creates a url with a fresh code and the normalised URL', async () => {
    codes = ['abc1234'];
    const url = await service.create({ user_id: 1, original_url: 'HTTPS://Example.com', title: 'x' });
    expect(url).toMatchObject({ short_code: 'abc1234', original_url: 'https://example.com/', title: 'x' });
  });

  it('retries with a new code when the code is taken', async () => {
    codes = ['taken00', 'taken00', 'fresh00'];
    await service.create({ user_id: 1, original_url: 'https://a.org' });
    const second = await service.create({ user_id: 1, original_url: 'https://a.org' });
    expect(second.short_code).toBe('fresh00');
  });

  it('gives up with a 503 after repeated collisions', async () => {
    codes = ['same000', 'same000', 'same000', 'same000', 'same000', 'same000'];
    await service.create({ user_id: 1, original_url: 'https://a.org' });
    await expect(service.create({ user_id: 1, original_url: 'https://a.org' })).rejects.toBeInstanceOf(
      ServiceUnavailableException,
    );
  });

  it('refuses an unknown user', async () => {
    await expect(service.create({ user_id: 2, original_url: 'https://a.org' })).rejects.toBeInstanceOf(NotFoundException);
  });

  it('writes one updated event per changed field only', async () => {
    codes = ['abc1234'];
    const url = await service.create({ user_id: 1, original_url: 'https://a.org/', title: 'same' });
    events = [];
    const updated = await service.update(url.id, { title: 'same', is_active: false, original_url: 'https://b.org' });
    expect(updated).toMatchObject({ title: 'same', is_active: false, original_url: 'https://b.org/' });
    expect(updated.updated_at.getTime()).toBeGreaterThan(0);
    expect(events.map((event) => event.details)).toEqual([
      { field: 'is_active', new_value: false },
      { field: 'original_url', new_value: 'https://b.org/' },
    ]);
    expect(invalidated).toEqual(['abc1234']);
  });

  it('clears a title with null', async () => {
    codes = ['abc1234'];
    const url = await service.create({ user_id: 1, original_url: 'https://a.org/', title: 'old' });
    events = [];
    expect((await service.update(url.id, { title: null })).title).toBeNull();
    expect(events.map((event) => event.details)).toEqual([{ field: 'title', new_value: null }]);
  });

  it('leaves a url untouched by an empty update', async () => {
    codes = ['abc1234'];
    const url = await service.create({ user_id: 1, original_url: 'https://a.org/' });
    events = [];
    expect((await service.update(url.id, {})).updated_at).toEqual(new Date(0));
    expect(events).toEqual([]);
  });

  it('answers 404 for updating or deleting an absent url', async () => {
    await expect(service.update(9, { title: 'x' })).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.remove(9)).rejects.toBeInstanceOf(NotFoundException);
  });
});
