import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('GET /health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports ok with the database up', async () => {
    const res = await request(t.baseUrl, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.database.status).toBe('up');
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
