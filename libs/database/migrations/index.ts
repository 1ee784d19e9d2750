import { InitialSchema1732406400000 } from './1732406400000-initial-schema.js';
import { ClickIds1732492800000 } from './1732492800000-click-ids.js';
import { IdempotencyKeys1732579200000 } from './1732579200000-idempotency-keys.js';

/** Every migration, in order. Listed explicitly so the build needs no glob loading of files. */
export const MIGRATIONS = [InitialSchema1732406400000, ClickIds1732492800000, IdempotencyKeys1732579200000];
