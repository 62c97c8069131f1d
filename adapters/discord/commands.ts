import { SlashCommandBuilder } from 'discord.js';

/** Commands about the user's own account and limits: answered ephemerally, so only they see them. */
export const PRIVATE_COMMANDS: ReadonlySet<string> = new Set([
  'token',
  'logout',
  'account',
  'limits',
  'stats',
]);

/** Extra files `/video` takes besides `file`: Discord has no repeatable option, so they are numbered. */
export const VIDEO_FILE_OPTIONS = ['file', 'file2', 'file3'] as const;

const simple = (name: string, description: string) =>
  new SlashCommandBuilder().setName(name).setDescription(description);

/** Every slash command the bot registers, in the order Discord shows them. */
export const commands = [
  (() => {
    const video = new SlashCommandBuilder()
      .setName('video')
      .setDescription('Make or edit a video from a prompt')
      .setDescriptionLocalization('zh-CN', '用一句话生成或编辑视频')
      .addStringOption((o) =>
        o.setName('prompt').setDescription('What the video should show').setRequired(true),
      );
    for (const name of VIDEO_FILE_OPTIONS) {
      video.addAttachmentOption((o) => o.setName(name).setDescription('A video, image or audio file to use'));
    }
    return video;
  })(),
  new SlashCommandBuilder()
    .setName('edit')
    .setDescription('Change the current video')
    .setDescriptionLocalization('zh-CN', '修改当前视频')
    .addStringOption((o) => o.setName('text').setDescription('What to change').setRequired(true)),
  new SlashCommandBuilder()
    .setName('upload')
    .setDescription('Add a file to the current project')
    .setDescriptionLocalization('zh-CN', '上传素材到当前项目')
    .addAttachmentOption((o) =>
      o.setName('file').setDescription('A video, image or audio file').setRequired(true),
    ),
  simple('credits', 'Show the credits left').setDescriptionLocalization('zh-CN', '查看剩余积分'),
  simple('status', 'Show what the current project holds').setDescriptionLocalization('zh-CN', '查看当前项目'),
  simple('export', 'Render and send the video').setDescriptionLocalization('zh-CN', '导出视频'),
  simple('new', 'Start a new project').setDescriptionLocalization('zh-CN', '新建项目'),
  simple('cancel', 'Stop the running job').setDescriptionLocalization('zh-CN', '取消当前任务'),
  simple('help', 'How to use the bot').setDescriptionLocalization('zh-CN', '使用帮助'),
  simple('limits', 'Your edits today and the daily limits').setDescriptionLocalization(
    'zh-CN',
    '今日编辑次数和每日额度',
  ),
  simple('account', 'Move this work into a registered account').setDescriptionLocalization(
    'zh-CN',
    '把作品转入注册账户',
  ),
  new SlashCommandBuilder()
    .setName('token')
    .setDescription('Use your own NemoVideo token (in a DM with the bot)')
    .setDescriptionLocalization('zh-CN', '使用你自己的 NemoVideo 令牌（在与机器人的私信中）')
    .addStringOption((o) =>
      o.setName('token').setDescription('Your NemoVideo token (nmv_usr_…)').setRequired(true),
    ),
  simple('logout', 'Forget your own token').setDescriptionLocalization('zh-CN', '删除你的令牌'),
  simple('stats', "Today's usage (bot admins only)").setDescriptionLocalization(
    'zh-CN',
    '今日用量（仅管理员）',
  ),
];
