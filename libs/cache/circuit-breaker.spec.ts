import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker.js';

function setup() {
  let now = 0;
  const breaker = new CircuitBreaker({ name: 'test', failureThreshold: 2, cooldownMs: 1000, now: () => now });
  let calls = 0;
  const fail = () => {
    calls++;
    return Promise.reject(new Error('down'));
  };
  const succeed = () => {
    calls++;
    return Promise.resolve('ok');
  };
  return { breaker, fail, succeed, calls: () => calls, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('passes calls through while closed', async () => {
    const { breaker, succeed } = setup();
    await expect(breaker.run(succeed)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('opens after the threshold of consecutive failures and then skips calls', async () => {
    const { breaker, fail, succeed, calls } = setup();
    await expect(breaker.run(fail)).rejects.toThrow('down');
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(fail)).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls()).toBe(2);
  });

  it('a success resets the failure count', async () => {
    const { breaker, fail, succeed } = setup();
    await breaker.run(fail).catch(() => undefined);
    await breaker.run(succeed);
    await breaker.run(fail).catch(() => undefined);
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after the cooldown and closes when it succeeds', async () => {
    const { breaker, fail, succeed, advance } = setup();
    for (let i = 0; i < 2; i++) await breaker.run(fail).catch(() => undefined);
    advance(1000);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.run(succeed)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('reopens at once when the probe fails', async () => {
    const { breaker, fail, advance } = setup();
    for (let i = 0; i < 2; i++) await breaker.run(fail).catch(() => undefined);
    advance(1000);
    await breaker.run(fail).catch(() => undefined);
    expect(breaker.state).toBe('open');
  });

  it('allows only one probe at a time', async () => {
    const { breaker, fail, advance } = setup();
    for (let i = 0; i < 2; i++) await breaker.run(fail).catch(() => undefined);
    advance(1000);
    let release!: (value: string) => void;
    const probe = breaker.run(() => new Promise<string>((resolve) => (release = resolve)));
    await expect(breaker.run(() => Promise.resolve('second'))).rejects.toBeInstanceOf(CircuitOpenError);
    release('first');
    await expect(probe).resolves.toBe('first');
  });
});
