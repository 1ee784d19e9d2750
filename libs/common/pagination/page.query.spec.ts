import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PER_PAGE, toPage } from './page.query.js';

describe('toPage', () => {
  it('defaults to the first page', () => {
    expect(toPage({})).toEqual({ limit: DEFAULT_PER_PAGE, offset: 0 });
  });

  it('turns page and per_page into limit and offset', () => {
    expect(toPage({ page: 3, per_page: 20 })).toEqual({ limit: 20, offset: 40 });
  });
});
