import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';

describe('parseConfig', () => {
  it('gives the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      hubId: 'tradein-hub',
      mode: 'development',
      maxBatchSize: 1000,
      analyzeIntervalSeconds: 300,
    });
    expect(config.dataDir.endsWith('.hub-data')).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads PORT, DATABASE_URL and HUB_DATA_DIR', () => {
    const config = parseConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/db', HUB_DATA_DIR: '/var/lib/hub' });
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@h:5432/db', dataDir: '/var/lib/hub' });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be one of/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ HUB_ID: 'Hub Id' }, /HUB_ID must be/],
    [{ HUB_MAX_BATCH_SIZE: '5000' }, /HUB_MAX_BATCH_SIZE must be between 1 and 1000/],
    [{ HUB_ANALYZE_INTERVAL_SECONDS: '100000' }, /HUB_ANALYZE_INTERVAL_SECONDS must be between 0 and 86400/],
  ])('stops on a bad value %j naming the variable and the rule', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });
});
