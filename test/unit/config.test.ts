import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config.js';

function ok(env: NodeJS.ProcessEnv): Config {
  const result = parseConfig(env);
  if (!result.ok) throw new Error(`expected a valid configuration, got:\n${result.problems.join('\n')}`);
  return result.config;
}

function problems(env: NodeJS.ProcessEnv): string[] {
  const result = parseConfig(env);
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.problems;
}

describe('parseConfig', () => {
  it('has working defaults for an empty environment', () => {
    expect(ok({})).toMatchObject({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/aduan',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      HOST: '0.0.0.0',
      TIME_ZONE: 'Asia/Jakarta',
      TRACKING_CODE_PREFIX: 'ADU',
      DEFAULT_LANGUAGE: 'id',
      SESSION_IDLE_MINUTES: 60,
      AUTO_SEED: true,
    });
  });

  it('reads the given values and ignores unrelated variables', () => {
    const config = ok({
      DATABASE_URL: 'postgres://aduan:s3cret@db.internal:5433/aduan_prod',
      REDIS_URL: 'rediss://cache:6380',
      PORT: '8080',
      TIME_ZONE: 'Asia/Makassar',
      AUTO_SEED: 'no',
      HOME: '/root',
    });
    expect(config).toMatchObject({
      DATABASE_URL: 'postgres://aduan:s3cret@db.internal:5433/aduan_prod',
      REDIS_URL: 'rediss://cache:6380',
      PORT: 8080,
      TIME_ZONE: 'Asia/Makassar',
      AUTO_SEED: false,
    });
    expect(config).not.toHaveProperty('HOME');
  });

  it.each(['PORT', 'DATABASE_URL', 'REDIS_URL', 'TIME_ZONE', 'SESSION_IDLE_MINUTES', 'AUTO_SEED'])(
    'an empty %s means the default',
    (name) => {
      expect(ok({ [name]: '' })).toEqual(ok({}));
    },
  );

  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['PORT that is not a number', { PORT: 'abc' }, 'PORT: expected number, received NaN (got "abc")'],
    ['PORT out of range', { PORT: '70000' }, 'PORT: expected a port number 1-65535 (got "70000")'],
    ['PORT zero', { PORT: '0' }, 'PORT: expected a port number 1-65535 (got "0")'],
    ['PORT with a fraction', { PORT: '80.5' }, 'PORT: '],
    ['a MySQL DATABASE_URL', { DATABASE_URL: 'mysql://127.0.0.1/aduan' }, 'DATABASE_URL: expected a postgresql:// URL (got "mysql://127.0.0.1/aduan")'],
    ['a DATABASE_URL that is no URL', { DATABASE_URL: 'localhost' }, 'DATABASE_URL: expected a postgresql:// URL (got "localhost")'],
    ['an http REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL: expected a redis:// or rediss:// URL'],
    ['a bad TIME_ZONE', { TIME_ZONE: 'Asia/Bandung' }, 'TIME_ZONE: expected an IANA time zone such as Asia/Jakarta (got "Asia/Bandung")'],
    ['a lowercase prefix', { TRACKING_CODE_PREFIX: 'adu' }, 'TRACKING_CODE_PREFIX: expected 2 to 5 capital letters A-Z (got "adu")'],
    ['a zero idle time', { SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES: '],
  ])('%s gives one line naming the variable', (_what, env, line) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]!.startsWith(line), found[0]).toBe(true);
  });

  it('lists every bad variable, one line each', () => {
    const found = problems({ PORT: 'abc', DATABASE_URL: 'mysql://x/y', TIME_ZONE: 'Nowhere/City' });
    expect(found.map((line) => line.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'PORT', 'TIME_ZONE']);
  });

  it.each([
    ['user and password', 'mysql://aduan:s3cretPass@db:3306/aduan', 'mysql://***@db:3306/aduan'],
    ['password only', 'mysql://:s3cretPass@db/aduan', 'mysql://***@db/aduan'],
    ['redis password', 'http://:s3cretPass@cache:6379', 'http://***@cache:6379'],
  ])('never echoes a password in a bad URL (%s)', (_what, url, shown) => {
    const name = url.startsWith('http') ? 'REDIS_URL' : 'DATABASE_URL';
    const found = problems({ [name]: url });
    expect(found).toHaveLength(1);
    expect(found[0]).not.toContain('s3cretPass');
    expect(found[0]).toContain(`(got "${shown}")`);
  });

  it.each([
    ['an unencoded @ in the password', 'mysql://aduan:pa@ss@db/aduan'],
    ['no scheme', 'aduan:s3cretPass@db/aduan'],
    ['a password in the query', 'mysql://db/aduan?password=s3cretPass'],
  ])('does not echo any part of the password with %s', (_what, url) => {
    const found = problems({ DATABASE_URL: url });
    expect(found.join('\n')).not.toMatch(/s3cretPass|ss@db/);
  });
});
