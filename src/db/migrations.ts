import type { Migration, MigrationProvider } from 'kysely/migration';
import * as foundation from './migrations/2026-11-23T00-00-00_foundation.ts';

/**
 * The migrations in the order they run. Listed statically rather than read from the folder so a bundled
 * or installed hub never depends on the file layout; names are timestamps and never change.
 */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-23T00-00-00_foundation': foundation,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
