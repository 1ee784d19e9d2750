import { Injectable } from '@nestjs/common';
import { moveIdSequencePastMax } from '../database/id-sequence.js';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Repository, type EntityManager } from 'typeorm';
import type { Page } from '../common/pagination/page.query.js';
import { User } from './user.entity.js';

export interface NewUser {
  username: string;
  email: string;
}

/** A user row from a CSV; `id` and `created_at` are kept when the file has them. */
export interface ImportedUser extends NewUser {
  id: number | null;
  created_at: Date | null;
}

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findPage(page: Page): Promise<User[]> {
    return this.users.find({ where: { deleted_at: IsNull() }, order: { id: 'ASC' }, take: page.limit, skip: page.offset });
  }

  findById(id: number, manager?: EntityManager): Promise<User | null> {
    const repository = manager ? manager.getRepository(User) : this.users;
    return repository.findOne({ where: { id, deleted_at: IsNull() } });
  }

  /** Any user row at all, deleted ones included. */
  async hasAny(): Promise<boolean> {
    const [row] = (await this.dataSource.query('SELECT EXISTS (SELECT 1 FROM users) AS found')) as { found: boolean }[];
    return row.found;
  }

  async exists(id: number): Promise<boolean> {
    return this.users.exists({ where: { id, deleted_at: IsNull() } });
  }

  /** Ids (deleted or not) that exist: imported urls and events may reference any user that ever existed. */
  async existingIds(ids: number[]): Promise<Set<number>> {
    if (!ids.length) return new Set();
    const rows = await this.users.find({ select: { id: true }, where: { id: In(ids) } });
    return new Set(rows.map((row) => row.id));
  }

  /** Rows (deleted or not) holding these ids, to tell re-imported rows from conflicting ones. */
  findAnyByIds(ids: number[]): Promise<User[]> {
    return ids.length ? this.users.find({ where: { id: In(ids) } }) : Promise.resolve([]);
  }

  /** Serialises writers of the same username or email until the transaction ends. */
  async lockIdentity(manager: EntityManager, username?: string, email?: string): Promise<void> {
    const keys = [];
    if (username !== undefined) keys.push(`username:${username}`);
    if (email !== undefined) keys.push(`email:${email.toLowerCase()}`);
    // Sorted so two writers locking the same pair can never deadlock.
    for (const key of keys.sort()) {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
    }
  }

  /** Which of username/email a live user other than `exceptId` already holds. */
  async findTakenField(
    manager: EntityManager,
    username: string | undefined,
    email: string | undefined,
    exceptId = 0,
  ): Promise<'username' | 'email' | null> {
    const [row] = (await manager.query(
      `SELECT bool_or(username = $1) AS username, bool_or(lower(email) = lower($2)) AS email
         FROM users
        WHERE deleted_at IS NULL AND id <> $3 AND (username = $1 OR lower(email) = lower($2))`,
      [username ?? null, email ?? null, exceptId],
    )) as { username: boolean | null; email: boolean | null }[];
    if (row?.username) return 'username';
    if (row?.email) return 'email';
    return null;
  }

  insert(manager: EntityManager, user: NewUser): Promise<User> {
    const repository = manager.getRepository(User);
    return repository.save(repository.create(user));
  }

  async update(manager: EntityManager, user: User, changes: Partial<NewUser>): Promise<User> {
    return manager.getRepository(User).save(Object.assign(user, changes));
  }

  async softDelete(manager: EntityManager, id: number): Promise<void> {
    await manager.getRepository(User).update({ id }, { deleted_at: new Date() });
  }

  /** Inserts CSV rows keeping their ids; ids already present are left untouched (idempotent). */
  async insertWithIds(rows: ImportedUser[]): Promise<{ insertedIds: number[] }> {
    const result = (await this.dataSource.query(
      `INSERT INTO users (id, username, email, created_at)
       SELECT r.id, r.username, r.email, coalesce(r.created_at, now())
         FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[]) AS r(id, username, email, created_at)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [rows.map((r) => r.id), rows.map((r) => r.username), rows.map((r) => r.email), rows.map((r) => r.created_at)],
    )) as { id: number }[];
    return { insertedIds: result.map((row) => row.id) };
  }

  /** Inserts CSV rows without ids; a live user with the same username and email counts as present. */
  async insertWithoutIds(rows: ImportedUser[]): Promise<number> {
    const result = (await this.dataSource.query(
      `INSERT INTO users (username, email, created_at)
       SELECT r.username, r.email, coalesce(r.created_at, now())
         FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS r(username, email, created_at)
        WHERE NOT EXISTS (
          SELECT 1 FROM users u
           WHERE u.deleted_at IS NULL AND u.username = r.username AND lower(u.email) = lower(r.email))
       RETURNING id`,
      [rows.map((r) => r.username), rows.map((r) => r.email), rows.map((r) => r.created_at)],
    )) as { id: number }[];
    return result.length;
  }

  moveIdSequencePastMax(): Promise<void> {
    return moveIdSequencePastMax(this.dataSource, 'users');
  }
}
