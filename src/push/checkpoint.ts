import fs from 'node:fs/promises';

/** Totals of one push; a checkpoint carries those of the rows it covers. */
export interface PushCounts {
  read: number;
  accepted: number;
  replayed: number;
  rejected: number;
  conflicts: number;
}

/**
 * What a resumed push may skip: every row up to `rowsDone` was answered by the hub (or rejected
 * locally), and the rejects report was exactly `rejects` (size, modification time) at that point. Valid
 * only for the same input file (size and modification time), adapter and hub.
 */
export interface Checkpoint {
  version: 1;
  adapter: string;
  endpoint: string;
  file: { size: number; mtimeMs: number };
  rowsDone: number;
  rejects: { size: number; mtimeMs: number };
  counts: PushCounts;
  /** Rejected or conflicting rows per code so far. */
  rejectCodes: Record<string, number>;
}

export interface CheckpointIdentity {
  adapter: string;
  endpoint: string;
  file: { size: number; mtimeMs: number };
}

/** The checkpoint of a push, if one exists and belongs to this file, adapter and hub; else undefined. */
export async function readCheckpoint(file: string, identity: CheckpointIdentity): Promise<Checkpoint | undefined> {
  let parsed: Checkpoint;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Checkpoint;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
  const matches =
    parsed.version === 1 &&
    parsed.adapter === identity.adapter &&
    parsed.endpoint === identity.endpoint &&
    parsed.file?.size === identity.file.size &&
    parsed.file?.mtimeMs === identity.file.mtimeMs &&
    Number.isInteger(parsed.rowsDone) &&
    Number.isInteger(parsed.rejects?.size);
  return matches ? parsed : undefined;
}

/** Replaces the checkpoint atomically (write, then rename), so a crash leaves the old or the new one. */
export async function writeCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${file}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(checkpoint)}\n`);
  await fs.rename(temporary, file);
}

export async function removeCheckpoint(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
