import { Injectable, Logger } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root.js';
import type { ImportReport } from '../csv-import/import-report.js';
import { EventSubmissionService } from '../events/event-submission.service.js';
import { UrlsService } from '../urls/urls.service.js';
import { UsersService } from '../users/users.service.js';

export const DEFAULT_SEED_DIR = join(projectRoot(), 'data', 'seed');

/** Loads the shipped seed CSVs through the same import path as the bulk endpoints. */
@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    private readonly users: UsersService,
    private readonly urls: UrlsService,
    private readonly events: EventSubmissionService,
  ) {}

  /** Seeds only a database with no users at all, so a restart never re-adds what was deleted. */
  async seedIfEmpty(directory = DEFAULT_SEED_DIR): Promise<boolean> {
    if (await this.users.hasAnyUser()) return false;
    await this.seed(directory);
    return true;
  }

  async seed(directory = DEFAULT_SEED_DIR): Promise<Record<string, ImportReport>> {
    const reports = {
      users: await this.users.importCsv(createReadStream(join(directory, 'users.csv'))),
      urls: await this.urls.importCsv(createReadStream(join(directory, 'urls.csv'))),
      events: await this.events.importCsv(createReadStream(join(directory, 'events.csv'))),
    };
    for (const [name, report] of Object.entries(reports)) {
      this.logger.log(`seed ${name}: ${report.imported} imported, ${report.skipped} present, ${report.failed} refused`);
    }
    return reports;
  }
}
