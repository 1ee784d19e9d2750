/** One redirect served, as it travels from the redirect to the events table. */
export interface Click {
  /** Unique per redirect (UUID v4): the events table refuses a second row with it. */
  id: string;
  urlId: number;
  ownerId: number;
  /** Epoch milliseconds of the redirect. */
  at: number;
  referrer: string | null;
  userAgent: string | null;
}
