import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Page } from '../common/pagination/page.query.js';
import { importCsv, type BatchOutcome } from '../csv-import/csv-importer.js';
import type { ImportReport } from '../csv-import/import-report.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import { parseUserRecord } from './user-csv-row.js';
import type { User } from './user.entity.js';
import { UsersRepository, type ImportedUser } from './users.repository.js';

/** Runs inside the transaction that deletes a user, so dependents (their urls) go with it. */
export type UserDeletionHook = (userId: number, manager: EntityManager) => Promise<void>;

@Injectable()
export class UsersService {
  private readonly deletionHooks: UserDeletionHook[] = [];

  constructor(private readonly users: UsersRepository) {}

  onUserDeleted(hook: UserDeletionHook): void {
    this.deletionHooks.push(hook);
  }

  list(page: Page): Promise<User[]> {
    return this.users.findPage(page);
  }

  async get(id: number): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException({ error: `user ${id} not found` });
    return user;
  }

  exists(id: number): Promise<boolean> {
    return this.users.exists(id);
  }

  hasAnyUser(): Promise<boolean> {
    return this.users.hasAny();
  }

  existingIds(ids: number[]): Promise<Set<number>> {
    return this.users.existingIds(ids);
  }

  create(input: CreateUserDto): Promise<User> {
    return this.users.transaction(async (manager) => {
      await this.assertAvailable(manager, input.username, input.email);
      return this.users.insert(manager, { username: input.username, email: input.email });
    });
  }

  update(id: number, input: UpdateUserDto): Promise<User> {
    return this.users.transaction(async (manager) => {
      const user = await this.users.findById(id, manager);
      if (!user) throw new NotFoundException({ error: `user ${id} not found` });
      const changes: UpdateUserDto = {};
      if (input.username !== undefined && input.username !== user.username) changes.username = input.username;
      if (input.email !== undefined && input.email !== user.email) changes.email = input.email;
      if (changes.username === undefined && changes.email === undefined) return user;
      await this.assertAvailable(manager, changes.username, changes.email, id);
      return this.users.update(manager, user, changes);
    });
  }

  async remove(id: number): Promise<void> {
    await this.users.transaction(async (manager) => {
      const user = await this.users.findById(id, manager);
      if (!user) throw new NotFoundException({ error: `user ${id} not found` });
      await this.users.softDelete(manager, id);
      for (const hook of this.deletionHooks) await hook(id, manager);
    });
  }

  importCsv(input: Readable): Promise<ImportReport> {
    let keptIds = false;
    return importCsv<ImportedUser>(input, {
      requiredColumns: ['username', 'email'],
      parseRecord: parseUserRecord,
      insertBatch: async (rows, columns): Promise<BatchOutcome> => {
        if (!columns.includes('id')) {
          const inserted = await this.users.insertWithoutIds(rows);
          return { inserted, skipped: rows.length - inserted, failures: [] };
        }
        keptIds = true;
        const { insertedIds } = await this.users.insertWithIds(rows);
        return this.classifyNotInserted(rows, new Set(insertedIds));
      },
      finish: async () => {
        if (keptIds) await this.users.moveIdSequencePastMax();
      },
    });
  }

  /** A row whose id is held by the same user was imported before; one held by another is refused. */
  private async classifyNotInserted(rows: ImportedUser[], inserted: Set<number>): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { inserted: inserted.size, skipped: 0, failures: [] };
    const notInserted = rows.flatMap((row, index) => (inserted.has(row.id!) ? [] : [{ row, index }]));
    const holders = new Map((await this.users.findAnyByIds(notInserted.map(({ row }) => row.id!))).map((u) => [u.id, u]));
    for (const { row, index } of notInserted) {
      const holder = holders.get(row.id!);
      if (holder && holder.username === row.username && holder.email === row.email) outcome.skipped++;
      else outcome.failures.push({ index, error: `id ${row.id} already belongs to user ${JSON.stringify(holder?.username)}` });
    }
    return outcome;
  }

  /** Only the fields being set are checked: seeded duplicates must not block unrelated edits. */
  private async assertAvailable(
    manager: EntityManager,
    username: string | undefined,
    email: string | undefined,
    exceptId?: number,
  ): Promise<void> {
    await this.users.lockIdentity(manager, username, email);
    const taken = await this.users.findTakenField(manager, username, email, exceptId);
    if (taken) {
      const value = taken === 'username' ? username : email;
      throw new ConflictException({ error: `${taken} ${JSON.stringify(value)} is already taken` });
    }
  }
}
