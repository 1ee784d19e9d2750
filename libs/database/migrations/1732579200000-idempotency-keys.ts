import type { MigrationInterface, QueryRunner } from 'typeorm';

/** POST /urls with an Idempotency-Key: the key remembers the url it created, so a retry returns it. */
export class IdempotencyKeys1732579200000 implements MigrationInterface {
  name = 'IdempotencyKeys1732579200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE idempotency_keys (
        key varchar(255) PRIMARY KEY,
        url_id integer NOT NULL REFERENCES urls (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_keys`);
  }
}
