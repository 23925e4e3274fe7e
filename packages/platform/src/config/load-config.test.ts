import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('has safe defaults: SQLite in ./data, localhost, no CORS', () => {
    const c = loadConfig({});
    expect(c.database.dialect).toBe('sqlite');
    expect(c.database.dialect === 'sqlite' && c.database.file.endsWith('data/verzek.db')).toBe(true);
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8000);
    expect(c.corsOrigins).toEqual([]);
    expect(c.secrets).toEqual({ jwtSecret: undefined, masterKey: undefined });
  });

  it('selects PostgreSQL from DATABASE_URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/x' });
    expect(c.database).toEqual({ dialect: 'postgres', url: 'postgres://u@127.0.0.1:5432/x' });
  });

  it('names every bad variable without echoing secret values', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        JWT_SECRET: 'short-secret-value',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'JWT_SECRET', 'DATABASE_URL', 'LOG_LEVEL']) expect(message).toContain(name);
    expect(message).not.toContain('short-secret-value');
  });

  it('treats empty values as unset and parses lists', () => {
    const c = loadConfig({ PORT: '', CORS_ORIGINS: 'http://a.test, http://b.test' });
    expect(c.port).toBe(8000);
    expect(c.corsOrigins).toEqual(['http://a.test', 'http://b.test']);
  });
});
