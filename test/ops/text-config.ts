/**
 * Just enough reading of a Dockerfile and of our block-style docker-compose.yml for the deploy tests.
 * No YAML library is installed; the compose file is kept in plain block style (no anchors, no flow maps)
 * so that indentation alone delimits each entry.
 */

export interface DockerStage {
  name: string;
  from: string;
  /** Instructions with continuation lines joined: `{ op: 'RUN', args: 'apt-get update && ...' }`. */
  instructions: { op: string; args: string }[];
}

/** Splits a Dockerfile into stages, joining `\` continuations and dropping comments. */
export function parseDockerfile(text: string): DockerStage[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [, from = '', name = ''] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

/** The lines of the block under `key:` at `indent` spaces, within `lines`. */
export function block(lines: string[], key: string, indent = 0): string[] {
  const pad = ' '.repeat(indent);
  const start = lines.findIndex((line) => line === `${pad}${key}:` || line.startsWith(`${pad}${key}: `));
  if (start === -1) return [];
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (line.length - line.trimStart().length <= indent) break;
    body.push(line);
  }
  // A one-line value (`key: value`) is its own block.
  const inline = lines[start]!.slice(pad.length + key.length + 1).trim();
  return inline ? [inline, ...body] : body;
}

/** Keys directly under a block, e.g. the service names under `services:`. */
export function childKeys(lines: string[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  return lines
    .filter(
      (line) => line.startsWith(pad) && !line.startsWith(`${pad} `) && !line.trimStart().startsWith('-'),
    )
    .map((line) => /^\s*([\w.-]+):/.exec(line)?.[1])
    .filter((key): key is string => Boolean(key));
}

/** Values of a block as trimmed text, list dashes and quotes removed: `- "8080:8080"` → `8080:8080`. */
export function values(lines: string[]): string[] {
  return lines.map((line) =>
    line
      .trim()
      .replace(/^-\s*/, '')
      .replace(/^"(.*)"$/, '$1'),
  );
}
