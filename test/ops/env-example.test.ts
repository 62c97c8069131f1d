import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../src/config.js';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

/** Variables below this line are for docker compose itself; the bot never reads them. */
const COMPOSE_ONLY_HEADING = '# compose only (not read by the bot)';

interface Entry {
  key: string;
  value: string;
  comment: string | undefined;
}

function parseSection(lines: string[]): Entry[] {
  return lines.flatMap((line, i) => {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) return [];
    const previous = lines[i - 1];
    return [{ key: match[1]!, value: match[2]!, comment: previous?.startsWith('# ') ? previous : undefined }];
  });
}

const lines = read('.env.example').split('\n');
const split = lines.indexOf(COMPOSE_ONLY_HEADING);
const botEntries = parseSection(lines.slice(0, split));
const composeEntries = parseSection(lines.slice(split + 1));
const schemaKeys = Object.keys(envSchema.shape);
const compose = read('docker-compose.yml');

describe('.env.example', () => {
  it('has a compose-only section', () => {
    expect(split).toBeGreaterThan(0);
  });

  it('lists every variable of the config schema, and nothing else, above that section', () => {
    const listed = botEntries.map((e) => e.key);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.filter((key) => !schemaKeys.includes(key))).toEqual([]);
    expect(schemaKeys.filter((key) => !listed.includes(key))).toEqual([]);
  });

  it('explains each variable on the line above it', () => {
    for (const entry of [...botEntries, ...composeEntries]) {
      expect(entry.comment, `${entry.key} needs a one-line comment`).toMatch(/^# \S.{10,}/);
    }
  });

  it('pre-fills nothing, so the schema stays the one place defaults live and no secret is committed', () => {
    expect([...botEntries, ...composeEntries].filter((e) => e.value !== '')).toEqual([]);
  });

  it('loads as it stands: copied unchanged to .env it starts the console bot', () => {
    const env = Object.fromEntries(botEntries.map((e) => [e.key, e.value]));
    const config = loadConfig(env);
    expect(config.telegram).toBeUndefined();
    expect(config.discord).toBeUndefined();
    expect(config.httpPort).toBe(8080);
  });

  it('keeps compose-only variables out of the schema and uses each one in docker-compose.yml', () => {
    expect(composeEntries.map((e) => e.key)).toEqual(['TELEGRAM_API_ID', 'TELEGRAM_API_HASH']);
    for (const { key } of composeEntries) {
      expect(schemaKeys).not.toContain(key);
      expect(compose).toContain(`\${${key}`);
    }
  });

  it('declares every variable docker-compose.yml interpolates', () => {
    const interpolated = [...compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);
    const declared = [...botEntries, ...composeEntries].map((e) => e.key);
    expect(interpolated.filter((key) => !declared.includes(key))).toEqual([]);
  });
});
