// Renders test/FAULTS.md from what the suite recorded in FAULT_RESULTS_DIR: the figures of the property
// tests, the backend fault matrix and the bounds (figures/*.json), and the secrets scan of every log line
// the suite wrote (logs/*.log against secrets/*.json, the test bot tokens and token shapes).
// Usage: node scripts/faults-report.mjs <results dir> <output.md>. Prints one line; exits 1 when a count
// that must be zero is not, or when nothing was recorded.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, output] = process.argv.slice(2);
if (!dir || !output) {
  console.error('usage: faults-report.mjs <results dir> <output.md>');
  process.exit(2);
}
const filesIn = (sub, ext) =>
  existsSync(join(dir, sub))
    ? readdirSync(join(dir, sub))
        .filter((f) => f.endsWith(ext))
        .map((f) => join(dir, sub, f))
    : [];

// Figures, summed per group and class of input.
const rows = new Map();
for (const file of filesIn('figures', '.json')) {
  for (const f of JSON.parse(readFileSync(file, 'utf8'))) {
    const key = `${f.group}\u0000${f.inputClass}`;
    const row = rows.get(key) ?? {
      ...f,
      inputs: 0,
      crashes: 0,
      lostJobs: 0,
      duplicatedSideEffects: 0,
      unanswered: 0,
    };
    for (const k of ['inputs', 'crashes', 'lostJobs', 'duplicatedSideEffects', 'unanswered']) row[k] += f[k];
    rows.set(key, row);
  }
}

// Secrets: every value a harness learned, the bot tokens the tests use, and the shapes of issued tokens.
const secrets = new Set(['fake-bot-token']);
for (const file of filesIn('secrets', '.json'))
  for (const s of JSON.parse(readFileSync(file, 'utf8'))) secrets.add(s);
for (const harness of ['test/telegram/harness.ts', 'test/e2e/telegram/harness.ts']) {
  if (!existsSync(harness)) continue;
  for (const m of readFileSync(harness, 'utf8').matchAll(/TOKEN = '([^']+)'/g)) secrets.add(m[1]);
}
const SHAPES = [
  /nmv_usr_[A-Za-z0-9]+/,
  /\d{6,}(?::|%3A)[A-Za-z0-9_-]{30,}/,
  /aW50ZXJhY3Rpb24[\w-]{8,}/,
  /\bBearer\s+(?!\[Redacted\])[A-Za-z0-9._~+/-]{8,}/i,
];
const known = [...secrets].filter((s) => typeof s === 'string' && s.length >= 8);
let lines = 0;
let hits = 0;
for (const file of filesIn('logs', '.log')) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    lines++;
    if (known.some((s) => line.includes(s)) || SHAPES.some((re) => re.test(line))) hits++;
  }
}

const all = [...rows.values()];
const total = (group, k) => all.filter((r) => r.group === group).reduce((n, r) => n + r[k], 0);
const table = (group, heading) => {
  const list = all.filter((r) => r.group === group).sort((a, b) => a.inputClass.localeCompare(b.inputClass));
  const out = [
    `| ${heading} | inputs | crashes | lost jobs | duplicated backend side effects | messages left unanswered |`,
    '|---|---:|---:|---:|---:|---:|',
    ...list.map(
      (r) =>
        `| ${r.inputClass} | ${r.inputs} | ${r.crashes} | ${r.lostJobs} | ${r.duplicatedSideEffects} | ${r.unanswered} |`,
    ),
  ];
  out.push(
    `| **total** | **${total(group, 'inputs')}** | **${total(group, 'crashes')}** | **${total(group, 'lostJobs')}** | **${total(group, 'duplicatedSideEffects')}** | **${total(group, 'unanswered')}** |`,
  );
  return list.length ? out.join('\n') : '_nothing recorded_';
};
const bad = all.reduce((n, r) => n + r.crashes + r.lostJobs + r.duplicatedSideEffects + r.unanswered, 0);

const md = `# Faults and hostile input: figures

Written by \`scripts/faults-report.mjs\` at the end of \`npm test\` from what the suite recorded; do not edit
by hand. A test that fails writes no figures (the suite then fails too), so every row below passed its
assertions. Seeds are fixed (\`test/support/property.ts\`); \`FC_SEED\` / \`FC_RUNS\` explore further.

## Generated inputs (property tests, fast-check)

${table('property', 'class of input')}

## Backend fault matrix (\`test/faults/backend-matrix.test.ts\`)

Each fault is played on every endpoint the bot calls (anonymous-token, create-session, credits, state,
upload, run-sse, render-start, render-poll), through the whole bot against one emulator; a case passes
when the chat ends with a catalog message and no backend text, its next message gets the normal answer,
the emulator accepted the edit at most once and started at most one render, and a 50 MB answer was cut
at the client's cap. The bot never calls claim-token or the render download route, so they are not in it.

${table('backend', 'fault (× 8 endpoints)')}

## Bounds

${table('bounds', 'bound')}

## Secrets in the logs

Every line written through the project's logger by every test file, scanned for each token the emulators
issued, the bot tokens the tests use and the token shapes (\`nmv_usr_…\`, Telegram and Discord tokens,
Bearer credentials). The project has no encryption key to scan for.

| log lines scanned | secret values checked | lines holding a secret |
|---:|---:|---:|
| ${lines} | ${known.length} | ${hits} |
`;
writeFileSync(output, md);
const ok = bad === 0 && hits === 0 && all.length > 0;
console.log(
  `faults report: ${all.length} classes, ${total('property', 'inputs') + total('backend', 'inputs') + total('bounds', 'inputs')} inputs, ${bad} problems, ${hits} secrets in ${lines} log lines → ${output}`,
);
process.exit(ok ? 0 : 1);
