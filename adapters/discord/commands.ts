import { SlashCommandBuilder } from 'discord.js';

/** Commands whose work costs credits: in a guild they may be limited to a role (see permissions.ts). */
export const SPENDING_COMMANDS: ReadonlySet<string> = new Set(['video', 'edit', 'upload', 'export']);

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
];
