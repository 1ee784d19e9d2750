import { describe, expect, it } from '@jest/globals';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('runs one load for concurrent calls of one key and shares its result', async () => {
    const flight = new SingleFlight<number>();
    let loads = 0;
    let release!: (value: number) => void;
    const load = () => {
      loads++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const calls = [flight.do('k', load), flight.do('k', load), flight.do('k', load)];
    expect(flight.pending).toBe(1);
    release(7);
    expect(await Promise.all(calls)).toEqual([7, 7, 7]);
    expect(loads).toBe(1);
    expect(flight.pending).toBe(0);
  });

  it('loads different keys separately and again after a load finished', async () => {
    const flight = new SingleFlight<string>();
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await Promise.all([flight.do('a', load), flight.do('b', load)])).toEqual(['v1', 'v2']);
    expect(await flight.do('a', load)).toBe('v3');
  });

  it('shares a failure and forgets it', async () => {
    const flight = new SingleFlight<string>();
    const failing = () => Promise.reject(new Error('db down'));
    await expect(Promise.all([flight.do('a', failing), flight.do('a', failing)])).rejects.toThrow('db down');
    await expect(flight.do('a', async () => 'ok')).resolves.toBe('ok');
  });
});
