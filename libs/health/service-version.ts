import { readFileSync } from 'node:fs';
import { projectRoot } from '../common/project-root.js';

/** The version from package.json, reported by /health. */
export const SERVICE_VERSION: string = (
  JSON.parse(readFileSync(`${projectRoot()}/package.json`, 'utf8')) as { version: string }
).version;
