import { describe, expect, it } from '@jest/globals';
import { LruCache } from './lru-cache.js';

function cache(maxEntries = 3, maxBytes = 1000) {
  let now = 0;
  const lru = new LruCache<string>({ maxEntries, maxBytes, sizeOf: (key, value) => key.length + value.length, now: () => now });
  return { lru, advance: (ms: number) => (now += ms) };
}

describe('LruCache', () => {
  it('returns what was set until it expires', () => {
    const { lru, advance } = cache();
    lru.set('a', 'x', 100);
    expect(lru.get('a')).toBe('x');
    advance(100);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it('evicts the least recently used entry past maxEntries', () => {
    const { lru } = cache(2);
    lru.set('a', '1', 1000);
    lru.set('b', '2', 1000);
    lru.get('a');
    lru.set('c', '3', 1000);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('1');
    expect(lru.get('c')).toBe('3');
  });

  it('evicts past maxBytes and refuses an entry larger than the whole budget', () => {
    const { lru } = cache(100, 10);
    lru.set('a', '1234', 1000);
    lru.set('b', '1234', 1000);
    expect(lru.totalBytes).toBe(10);
    lru.set('c', '12', 1000);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.totalBytes).toBe(8);
    lru.set('d', 'x'.repeat(20), 1000);
    expect(lru.get('d')).toBeUndefined();
  });

  it('replaces a value without double-counting its size', () => {
    const { lru } = cache();
    lru.set('a', '1', 1000);
    lru.set('a', '22', 1000);
    expect(lru.totalBytes).toBe(3);
    expect(lru.size).toBe(1);
  });

  it('deletes and clears', () => {
    const { lru } = cache();
    lru.set('a', '1', 1000);
    lru.set('b', '1', 1000);
    lru.delete('a');
    lru.delete('missing');
    expect(lru.get('a')).toBeUndefined();
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.totalBytes).toBe(0);
  });
});
