import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApplicationCommandOptionType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../adapters/discord/register.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/server.js';

const run = promisify(execFile);
const GUILD = '300000000000000042';

/** Runs `npm run discord:deploy`'s script with only the given variables (plus what node needs). */
function deploy(env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'adapters/discord/deploy.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
  });
}

describe('discord command registration', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('registers every command globally in one bulk PUT', async () => {
    const count = await registerCommands({
      token: fake.token,
      applicationId: fake.applicationId,
      apiRoot: fake.apiRoot,
    });
    const put = await fake.waitFor((c) => c.method === 'PUT');
    expect(put).toMatchObject({
      route: `/applications/${fake.applicationId}/commands`,
      auth: 'bot',
      status: 200,
    });
    const names = (put.body as { name: string }[]).map((c) => c.name);
    expect(names).toEqual([
      'video',
      'edit',
      'upload',
      'credits',
      'status',
      'export',
      'new',
      'cancel',
      'help',
      'limits',
      'account',
      'token',
      'logout',
      'stats',
    ]);
    expect(count).toBe(names.length);
    const video = (
      put.body as { name: string; options: { name: string; type: number; required?: boolean }[] }[]
    )[0]!;
    expect(video.options.map((o) => [o.name, o.type, o.required ?? false])).toEqual([
      ['prompt', ApplicationCommandOptionType.String, true],
      ['file', ApplicationCommandOptionType.Attachment, false],
      ['file2', ApplicationCommandOptionType.Attachment, false],
      ['file3', ApplicationCommandOptionType.Attachment, false],
    ]);
  });

  it('the deploy script registers in DISCORD_GUILD_ID when it is set', async () => {
    const { stdout } = await deploy({
      DISCORD_BOT_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_ROOT: fake.apiRoot,
      DISCORD_GUILD_ID: GUILD,
    });
    expect(stdout).toContain(`Registered 14 slash commands in guild ${GUILD}`);
    const put = await fake.waitFor(
      (c) => c.route === `/applications/${fake.applicationId}/guilds/${GUILD}/commands`,
    );
    expect(put).toMatchObject({ method: 'PUT', auth: 'bot', status: 200 });
  });

  it('the deploy script fails with one line, never the token, when Discord refuses it', async () => {
    const failure = await deploy({
      DISCORD_BOT_TOKEN: 'wrong-secret-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_ROOT: fake.apiRoot,
    }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failure && failure.code).toBe(1);
    const { stderr } = failure as { stderr: string };
    expect(stderr).toMatch(/^Could not register the commands: .*401/m);
    expect(stderr).not.toContain('wrong-secret-token');
  });

  it('the deploy script names the missing variable', async () => {
    const failure = (await deploy({}).catch((error: unknown) => error)) as { code: number; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID must be set');
  });
});
