/** Settings: options win over the environment, which wins over the defaults; every variable is checked, a bad one named with its value. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, readEnvironment, resolveServerSettings } from '../../src/common/config.js';
import { FahrasError } from '../../src/common/errors.js';

function refusal(env: NodeJS.ProcessEnv): FahrasError {
  try {
    resolveServerSettings({}, env);
  } catch (e) {
    expect(e).toBeInstanceOf(FahrasError);
    return e as FahrasError;
  }
  throw new Error('accepted');
}

describe('server settings', () => {
  it('are the defaults with nothing set', () => {
    expect(resolveServerSettings({}, {})).toEqual(DEFAULT_SETTINGS);
  });

  it('take every variable from the environment', () => {
    const s = resolveServerSettings({}, {
      PORT: '8080',
      HOST: '0.0.0.0',
      FAHRAS_INDEX: '/srv/فهرس',
      FAHRAS_LOG_LEVEL: 'warn',
      FAHRAS_CORS_ORIGIN: 'https://a.example, https://b.example',
      FAHRAS_RATE_LIMIT: '0',
      FAHRAS_TRUST_PROXY: 'loopback',
      FAHRAS_RELOAD_POLL_MS: '250',
      FAHRAS_CACHE_SIZE: '5',
    });
    expect(s).toMatchObject({ port: 8080, host: '0.0.0.0', index: '/srv/فهرس', logLevel: 'warn', corsOrigin: ['https://a.example', 'https://b.example'], rateLimit: 0, trustProxy: 'loopback', reloadPollMs: 250, cacheSize: 5 });
    expect(resolveServerSettings({}, { FAHRAS_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(resolveServerSettings({}, { FAHRAS_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('let explicit options (flags) win over the environment, and treat an empty variable as unset', () => {
    const env = { PORT: '8080', HOST: '0.0.0.0', FAHRAS_INDEX: 'env-index', FAHRAS_CACHE_SIZE: '' };
    expect(resolveServerSettings({ port: 0, index: 'flag-index' }, env)).toMatchObject({ port: 0, host: '0.0.0.0', index: 'flag-index', cacheSize: DEFAULT_SETTINGS.cacheSize });
    expect(resolveServerSettings({ port: undefined }, env).port).toBe(8080);
  });

  it.each([
    ['PORT', 'abc', 'PORT must be a whole number from 0 to 65535, not "abc"'],
    ['PORT', '65536', 'PORT must be a whole number from 0 to 65535, not "65536"'],
    ['PORT', '-1', 'PORT must be a whole number from 0 to 65535, not "-1"'],
    ['PORT', '80 80', 'PORT must be a whole number from 0 to 65535, not "80 80"'],
    ['FAHRAS_LOG_LEVEL', 'loud', 'FAHRAS_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud"'],
    ['FAHRAS_RATE_LIMIT', '٦٠٠', 'FAHRAS_RATE_LIMIT must be a whole number of requests per minute (0 = off), not "٦٠٠"'],
    ['FAHRAS_RELOAD_POLL_MS', '1s', 'FAHRAS_RELOAD_POLL_MS must be a whole number of milliseconds (0 = off), not "1s"'],
    ['FAHRAS_CACHE_SIZE', '1e3', 'FAHRAS_CACHE_SIZE must be a whole number of search results (0 = off), not "1e3"'],
  ])('refuse %s=%s as a usage error with one plain line', (name, value, message) => {
    const e = refusal({ [name]: value });
    expect(e.kind).toBe('usage');
    expect(e.message).toBe(message);
  });

  it('take the admin token and the merge factor, and refuse a token too short to be a secret without repeating it', () => {
    const token = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
    expect(resolveServerSettings({}, { FAHRAS_ADMIN_TOKEN: token, FAHRAS_MERGE_FACTOR: '0' })).toMatchObject({ adminToken: token, mergeFactor: 0 });
    expect(resolveServerSettings({}, {})).toMatchObject({ adminToken: undefined, mergeFactor: 10 });
    for (const bad of ['secret', 'x'.repeat(23), `${'y'.repeat(30)} z`, 'كلمة-سر-طويلة-بما-يكفي-للاختبار']) {
      const e = refusal({ FAHRAS_ADMIN_TOKEN: bad });
      expect(e.kind).toBe('usage');
      expect(e.message).toMatch(/^FAHRAS_ADMIN_TOKEN must be 24 to 512 letters, digits or punctuation without spaces \(it has \d+ characters; its value is not shown\)/);
      expect(e.message).not.toContain(bad);
    }
    expect(refusal({ FAHRAS_MERGE_FACTOR: '1' }).message).toBe('FAHRAS_MERGE_FACTOR must be a whole number of segments from 2 to 1000, or 0 (merge only by `fahras compact`), not "1"');
    expect(refusal({ FAHRAS_MERGE_FACTOR: 'ten' }).message).toMatch(/^FAHRAS_MERGE_FACTOR must be a whole number of segments from 2 to 1000, or 0/);
  });

  it('name every bad variable at once', () => {
    expect(refusal({ PORT: 'x', FAHRAS_CACHE_SIZE: 'y' }).message).toBe('PORT must be a whole number from 0 to 65535, not "x"; FAHRAS_CACHE_SIZE must be a whole number of search results (0 = off), not "y"');
  });

  it('ignore variables that are not fahras\'s', () => {
    expect(readEnvironment({ PATH: '/usr/bin', FAHRAS_UNKNOWN: 'x', NODE_ENV: 'production' })).toEqual({});
  });
});
