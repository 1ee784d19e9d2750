import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every click carries the id the redirect gave it; a unique index makes a redelivered click
 * (a consumer that crashed after writing but before acknowledging) count once.
 */
export class ClickIds1732492800000 implements MigrationInterface {
  name = 'ClickIds1732492800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE events ADD COLUMN click_id uuid`);
    await runner.query(`CREATE UNIQUE INDEX events_click_id_key ON events (click_id) WHERE click_id IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX events_click_id_key`);
    await runner.query(`ALTER TABLE events DROP COLUMN click_id`);
  }
}
