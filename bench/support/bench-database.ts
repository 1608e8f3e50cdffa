import pg from 'pg';

/** The PostgreSQL server benchmarks run against: BENCH_DATABASE_URL, else the machine's local server. */
export function benchServerUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Drops and recreates a scratch database on the bench server (or `serverUrl`'s) and returns its URL. */
export async function freshDatabase(name: string, serverUrl: string = benchServerUrl()): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('database name must be a lowercase identifier');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: benchServerUrl() });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
