/**
 * Every sentence the bot says, in English and Chinese. Flows never build user-facing prose themselves:
 * they pick a text here, so wording stays consistent and a translation is one place to change.
 */
import type { IncomingMessage } from './messages.js';

export type Lang = 'en' | 'zh';

/** `zh`, `zh-CN`, `zh-Hant`… → Chinese. Without a platform language, Chinese text in the message counts. */
export function languageOf(message: Pick<IncomingMessage, 'language' | 'text'>): Lang {
  if (message.language) return /^zh\b/i.test(message.language) ? 'zh' : 'en';
  return /\p{Script=Han}/u.test(message.text) ? 'zh' : 'en';
}

/** The ISO code sent when creating a backend session: the platform's own when it has one. */
export function sessionLanguage(message: Pick<IncomingMessage, 'language' | 'text'>): string {
  if (message.language) return message.language;
  return languageOf(message) === 'zh' ? 'zh-CN' : 'en';
}

// Binary units, as the profiles count their limits: 500 MB prints as "500 MB", not "524 MB".
const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

/** 500 MB, 1.5 GB, 900 KB: sizes the way people say them. */
export function formatBytes(bytes: number): string {
  if (bytes >= GB) return `${trim(bytes / GB)} GB`;
  if (bytes >= MB) return `${trim(bytes / MB)} MB`;
  if (bytes >= KB) return `${trim(bytes / KB)} KB`;
  return `${bytes} B`;
}

function trim(n: number): string {
  return n >= 10 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

/** Elapsed time for progress lines: "45 s" under a minute, whole minutes after. */
export function formatElapsed(ms: number, lang: Lang): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return lang === 'zh' ? `${seconds} 秒` : `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return lang === 'zh' ? `${minutes} 分钟` : `${minutes} min`;
}

/** Clip length in an upload receipt: "2 s", "1:05". */
function formatClipLength(sec: number): string {
  if (sec < 60) return `${Math.round(sec * 10) / 10} s`;
  const whole = Math.round(sec);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export interface UploadedFileInfo {
  name: string;
  durationSec?: number;
  width?: number;
  height?: number;
}

/** What /limits shows: today's edits against the limits that apply (0 = none). */
export interface LimitsView {
  userEdits: number;
  userLimit: number;
  chatEdits: number;
  chatLimit: number;
  /** An admin, or a chat on the user's own account: no limit applies. */
  exempt: 'admin' | 'own-account' | undefined;
  resetsInMs: number;
}

/**
 * What became of the message that held a token: deleted by the bot, still visible (the bot may not delete
 * it), or never shown to anyone (a Discord slash-command option).
 */
export type TokenMessageFate = 'deleted' | 'visible' | 'unseen';

/** What /stats shows for today. */
export interface StatsView {
  edits: number;
  exports: number;
  refusals: number;
  top: readonly { user: string; edits: number }[];
}

/** "in 5 h 12 min" until the next 00:00 UTC. */
export function formatCountdown(ms: number, lang: Lang): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (lang === 'zh') return h > 0 ? `${h} 小时 ${m} 分钟` : `${m} 分钟`;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

export interface Texts {
  lang: Lang;
  connecting: string;
  ready(greeting: string, examples: readonly string[]): string;
  help(input: {
    title: string;
    greeting: string;
    examples: readonly string[];
    tip: string;
    accepted: string;
    maxBytes: number;
  }): string;
  apology: string;
  queued(ahead: number): string;
  /** Past MAX_QUEUED_JOBS_PER_CHAT: the new job is refused. */
  tooManyWaiting(waiting: number): string;
  credits(c: { available: number; frozen: number; total: number }): string;
  stateEmpty(example: string): string;
  // edits
  working: string;
  stillWorking(elapsedMs: number): string;
  finished(elapsedMs: number): string;
  changed(changes: readonly string[]): string;
  noVisibleChange(example: string): string;
  partialEdit: string;
  editTimedOut(limitMs: number): string;
  editServiceError: string;
  /** The progress message of an edit that did not finish cleanly (never "Done"). */
  editStopped(elapsedMs: number): string;
  /** The agent's words when it failed while writing them. */
  unfinishedText(text: string): string;
  cancelledJob: string;
  guiExport: string;
  guiState: string;
  guiDrag: string;
  guiClick: string;
  // export
  exportEmpty: string;
  rendering(percent: number): string;
  rendered: string;
  videoCaption(title?: string): string;
  // upload
  askForFile(accepted: string, maxBytes: number): string;
  uploading(count: number): string;
  uploadTooLarge(name: string, limitBytes: number, platformLimited: boolean): string;
  uploadNotAccepted(name: string, accepted: string): string;
  uploadEmpty(name: string): string;
  uploadUnavailable(name: string): string;
  uploaded(files: readonly UploadedFileInfo[]): string;
  afterUpload(example: string): string;
  // errors
  signInFailed: string;
  sessionGone: string;
  noCreditsAnonymous(link: string): string;
  noCreditsRegistered: string;
  unsupportedFile(accepted: string): string;
  fileTooLarge(limitBytes?: number): string;
  exportBlocked: string;
  busy: string;
  serviceTrouble: string;
  renderFailed: string;
  timedOut: string;
  // commands
  cancelled(running: boolean, dropped: number): string;
  nothingToCancel: string;
  newProject: string;
  // access and budgets
  notAllowed: string;
  notSpender(withRole: boolean): string;
  userBudgetReached(limit: number, resetsInMs: number): string;
  chatBudgetReached(limit: number, resetsInMs: number): string;
  limits(l: LimitsView): string;
  statsOnlyAdmins: string;
  stats(s: StatsView): string;
  tokenOnlyPrivate(fate: TokenMessageFate): string;
  tokenMissing: string;
  tokenRejected: string;
  tokenSaved(fate: TokenMessageFate): string;
  loggedOut: string;
  notLoggedIn: string;
  ownTokenRejected: string;
  accountLink(url: string, validForMs: number): string;
  accountRegistered: string;
  accountNothingYet: string;
  buttons: {
    export: string;
    status: string;
    credits: string;
    newProject: string;
    cancel: string;
    download: string;
  };
}

const en: Texts = {
  lang: 'en',
  connecting: 'Connecting…',
  ready: (greeting, examples) =>
    `✅ Ready.\n\n${greeting}\n\nTry saying:\n${examples.map((e) => `• “${e}”`).join('\n')}`,
  help: ({ title, greeting, examples, tip, accepted, maxBytes }) =>
    [
      `${title}`,
      greeting,
      `Try saying:\n${examples.map((e) => `• “${e}”`).join('\n')}`,
      'Commands: /status (timeline), /credits, /export, /cancel (stop the running job), /new (fresh project), /limits (edits today), /account (keep this work in an account), /help.',
      `Files: ${accepted}, up to ${formatBytes(maxBytes)}.`,
      `Tip: ${tip}`,
    ].join('\n\n'),
  apology: 'Sorry — something went wrong on my side. Please try again.',
  queued: (ahead) => `Queued — ${ahead} job${ahead === 1 ? '' : 's'} ahead of yours.`,
  tooManyWaiting: (n) =>
    `You have ${n} job${n === 1 ? '' : 's'} waiting. Let ${n === 1 ? 'it' : 'them'} finish (or /cancel) before sending more.`,
  credits: ({ available, frozen, total }) =>
    `Credits: ${available} available, ${frozen} held by running jobs, ${total} total.`,
  stateEmpty: (example) =>
    `The timeline is empty. Send a clip or image, or describe the video you want — e.g. “${example}”.`,
  working: '⏳ Working on it…',
  stillWorking: (ms) => `⏳ Still working… (${formatElapsed(ms, 'en')})`,
  finished: (ms) => `✅ Done (${formatElapsed(ms, 'en')}).`,
  changed: (changes) => `Here's what changed:\n${changes.map((c) => `• ${c}`).join('\n')}`,
  noVisibleChange: (example) =>
    `No visible change to the timeline. Try a more specific instruction, e.g. “${example}”.`,
  partialEdit:
    "⚠️ The connection dropped before the edit finished, so it may be only partly applied. I didn't resend it, so you aren't charged twice.",
  editTimedOut: (ms) =>
    `⚠️ I stopped waiting after ${formatElapsed(ms, 'en')}. The service may still finish it — check /status in a while.`,
  editServiceError: '⚠️ The video service ran into a problem with this edit. Check /status, then try again.',
  editStopped: (ms) => `⚠️ Stopped before the end (${formatElapsed(ms, 'en')}).`,
  unfinishedText: (text) => `${text.trimEnd()}… (unfinished)`,
  cancelledJob: '⏹ Cancelled.',
  guiExport: 'Say “export” or tap Export below and I’ll render the video.',
  guiState: 'Here’s the current timeline:',
  guiDrag: 'No dragging needed — tell me in chat what to move and I’ll do it.',
  guiClick: 'Just tell me in chat what you’d like and I’ll do it.',
  exportEmpty: 'Nothing to export yet — the timeline is empty. Send a clip or describe a video first.',
  rendering: (p) => `🎬 Rendering… ${Math.round(p)}%`,
  rendered: '✅ Rendered (100%).',
  videoCaption: (title) => (title ? `🎬 Your video is ready: ${title}` : '🎬 Your video is ready.'),
  askForFile: (accepted, max) =>
    `Send the file right here in the chat: ${accepted}, up to ${formatBytes(max)}.`,
  uploading: (n) => `📤 Uploading ${n} file${n === 1 ? '' : 's'}…`,
  uploadTooLarge: (name, limit, platformLimited) =>
    platformLimited
      ? `“${name}” is larger than ${formatBytes(limit)}, the most this chat platform lets me download. Trim or compress it, or send a shorter clip.`
      : `“${name}” is larger than the ${formatBytes(limit)} limit. Trim or compress it and send it again.`,
  uploadNotAccepted: (name, accepted) =>
    `I can't use “${name}”: it isn't a supported media file. I accept ${accepted}.`,
  uploadEmpty: (name) => `“${name}” is empty. Please send the file again.`,
  uploadUnavailable: (name) =>
    `I couldn't get “${name}” from the chat — it may have expired. Please send the file again.`,
  uploaded: (files) =>
    `📥 Got it: ${files
      .map((f) => {
        const facts = [
          f.durationSec !== undefined ? formatClipLength(f.durationSec) : undefined,
          f.width && f.height ? `${f.width}×${f.height}` : undefined,
        ].filter(Boolean);
        return facts.length ? `${f.name} (${facts.join(', ')})` : f.name;
      })
      .join('; ')}.`,
  afterUpload: (example) => `Tell me what to do with it — e.g. “${example}”.`,
  signInFailed: "Couldn't sign in to the video service, try again in a minute.",
  sessionGone: 'Your previous session expired, so your previous timeline is gone. I started a new one.',
  noCreditsAnonymous: (link) =>
    `You're out of free credits. Register to get more — it keeps this project: ${link}`,
  noCreditsRegistered: 'You’re out of credits. Top up credits in your account, then try again.',
  unsupportedFile: (accepted) =>
    `The video service doesn't accept that file. Supported formats: ${accepted}.`,
  fileTooLarge: (limit) =>
    `That file is too large${limit ? ` (the limit is ${formatBytes(limit)})` : ''}. Trim or compress it and send it again.`,
  exportBlocked: 'Register or upgrade your plan to unlock export.',
  busy: 'The service is busy, try again in a minute.',
  serviceTrouble: 'Sorry — the video service is having trouble right now. Please try again in a few minutes.',
  renderFailed: 'Sorry — the render failed on the service. Try /export again in a moment.',
  timedOut: 'The video service took too long to answer. Please try again.',
  cancelled: (running, dropped) => {
    const parts = [
      running ? 'Stopped the running job' : undefined,
      dropped ? `dropped ${dropped} queued` : undefined,
    ];
    return `⏹ ${parts.filter(Boolean).join(' and ')}.`;
  },
  nothingToCancel: 'Nothing is running.',
  newProject: '🆕 New project started. Send a clip or describe the video you want.',
  notAllowed: 'Sorry — this bot is private. Ask its operator for access.',
  notSpender: (withRole) =>
    `In this group only its admins${withRole ? ' and members with the video role' : ''} can upload, edit, export, start a new project or cancel. Anyone can ask for /credits, /status and /help.`,
  userBudgetReached: (limit, ms) =>
    `You've used all ${limit} edit${limit === 1 ? '' : 's'} for today. Your budget resets at 00:00 UTC (in ${formatCountdown(ms, 'en')}). Exports are free.`,
  chatBudgetReached: (limit, ms) =>
    `This chat has used all ${limit} edit${limit === 1 ? '' : 's'} for today. The budget resets at 00:00 UTC (in ${formatCountdown(ms, 'en')}). Exports are free.`,
  limits: ({ userEdits, userLimit, chatEdits, chatLimit, exempt, resetsInMs }) =>
    [
      `Edits today: ${userEdits}${userLimit > 0 && !exempt ? ` of ${userLimit}` : ''} (you), ${chatEdits}${chatLimit > 0 && !exempt ? ` of ${chatLimit}` : ''} (this chat).`,
      exempt === 'admin'
        ? 'You are an admin: no daily limit applies to you.'
        : exempt === 'own-account'
          ? 'This chat uses your own account: no daily limit applies.'
          : userLimit + chatLimit === 0
            ? 'No daily limit is set.'
            : `Counts reset at 00:00 UTC (in ${formatCountdown(resetsInMs, 'en')}). Exports are free.`,
    ].join('\n'),
  statsOnlyAdmins: '/stats is for the bot’s admins, in a private chat with me.',
  stats: ({ edits, exports, refusals, top }) =>
    [
      `Today (UTC): ${edits} edit${edits === 1 ? '' : 's'}, ${exports} export${exports === 1 ? '' : 's'}, ${refusals} refusal${refusals === 1 ? '' : 's'}.`,
      top.length > 0
        ? `Top users by edits:\n${top.map((u, i) => `${i + 1}. ${u.user}: ${u.edits}`).join('\n')}`
        : 'No edits yet today.',
    ].join('\n\n'),
  tokenOnlyPrivate: (fate) =>
    `Send /token only in a private chat with me.${fate === 'deleted' ? ' I deleted your message.' : fate === 'visible' ? ' Delete your message now and treat that token as exposed.' : ''}`,
  tokenMissing:
    'Send /token followed by your NemoVideo token (it starts with nmv_usr_). You find it in your NemoVideo account.',
  tokenRejected: 'NemoVideo did not accept that token. Check it and send /token again.',
  tokenSaved: (fate) =>
    `🔐 Connected: this chat now uses your own NemoVideo account and credits, in a new project.${fate === 'deleted' ? ' I deleted your message with the token.' : fate === 'visible' ? ' Delete your message with the token.' : ''} Send /logout to disconnect.`,
  loggedOut:
    'Disconnected: your token is forgotten. This chat is back on the bot’s account, in a new project.',
  notLoggedIn: 'This chat does not use a token of yours, so there is nothing to forget.',
  ownTokenRejected:
    'Your NemoVideo token is no longer accepted (or can no longer be read). Send /token with your token again in a private chat with me, or /logout.',
  accountLink: (url, ms) =>
    `Open this link to move this chat's work into a registered NemoVideo account (valid for ${formatElapsed(ms, 'en')}): ${url}`,
  accountRegistered: 'This chat already uses a registered account, so there is nothing to claim.',
  accountNothingYet: 'There is nothing to claim yet. Start a project first: send a clip or describe a video.',
  buttons: {
    export: 'Export',
    status: 'Status',
    credits: 'Credits',
    newProject: 'New project',
    cancel: 'Cancel',
    download: 'Download',
  },
};

const zh: Texts = {
  lang: 'zh',
  connecting: '正在连接…',
  ready: (greeting, examples) =>
    `✅ 已就绪。\n\n${greeting}\n\n可以这样说：\n${examples.map((e) => `• “${e}”`).join('\n')}`,
  help: ({ title, greeting, examples, tip, accepted, maxBytes }) =>
    [
      title,
      greeting,
      `可以这样说：\n${examples.map((e) => `• “${e}”`).join('\n')}`,
      '命令：/status（时间线）、/credits（积分）、/export（导出）、/cancel（停止当前任务）、/new（新项目）、/limits（今日编辑次数）、/account（把作品保存到账户）、/help。',
      `文件：${accepted}，最大 ${formatBytes(maxBytes)}。`,
      `提示：${tip}`,
    ].join('\n\n'),
  apology: '抱歉，我这边出了点问题，请再试一次。',
  queued: (ahead) => `已排队——前面还有 ${ahead} 个任务。`,
  tooManyWaiting: (n) => `你有 ${n} 个任务在排队。请等它们完成（或用 /cancel 取消）后再发送。`,
  credits: ({ available, frozen, total }) =>
    `积分：可用 ${available}，冻结 ${frozen}（进行中的任务），共 ${total}。`,
  stateEmpty: (example) => `时间线是空的。发送视频或图片，或描述你想要的视频，例如“${example}”。`,
  working: '⏳ 正在处理…',
  stillWorking: (ms) => `⏳ 仍在处理…（${formatElapsed(ms, 'zh')}）`,
  finished: (ms) => `✅ 完成（${formatElapsed(ms, 'zh')}）。`,
  changed: (changes) => `改动如下：\n${changes.map((c) => `• ${c}`).join('\n')}`,
  noVisibleChange: (example) => `时间线没有明显变化。请试试更具体的指令，例如“${example}”。`,
  partialEdit: '⚠️ 编辑完成前连接中断了，改动可能只应用了一部分。我没有重新发送，以免重复扣费。',
  editTimedOut: (ms) =>
    `⚠️ 等待 ${formatElapsed(ms, 'zh')} 后我停止了等待。服务可能仍会完成——稍后用 /status 查看。`,
  editServiceError: '⚠️ 视频服务处理这次编辑时出了问题。请先用 /status 查看，再重试。',
  editStopped: (ms) => `⚠️ 未能完成（${formatElapsed(ms, 'zh')}）。`,
  unfinishedText: (text) => `${text.trimEnd()}……（未完成）`,
  cancelledJob: '⏹ 已取消。',
  guiExport: '发送“导出”或点下方的导出按钮，我来渲染视频。',
  guiState: '当前时间线：',
  guiDrag: '不需要拖拽——在聊天里告诉我要移动什么，我来处理。',
  guiClick: '直接在聊天里告诉我你想做什么，我来处理。',
  exportEmpty: '还没有可导出的内容——时间线是空的。请先发送视频或描述一个视频。',
  rendering: (p) => `🎬 正在渲染… ${Math.round(p)}%`,
  rendered: '✅ 渲染完成（100%）。',
  videoCaption: (title) => (title ? `🎬 视频已生成：${title}` : '🎬 视频已生成。'),
  askForFile: (accepted, max) => `直接在聊天里发送文件即可：${accepted}，最大 ${formatBytes(max)}。`,
  uploading: (n) => `📤 正在上传 ${n} 个文件…`,
  uploadTooLarge: (name, limit, platformLimited) =>
    platformLimited
      ? `“${name}”超过了 ${formatBytes(limit)}，这是此聊天平台允许我下载的上限。请剪短或压缩后再发。`
      : `“${name}”超过了 ${formatBytes(limit)} 的上限。请剪短或压缩后再发。`,
  uploadNotAccepted: (name, accepted) => `无法使用“${name}”：它不是支持的媒体文件。支持的格式：${accepted}。`,
  uploadEmpty: (name) => `“${name}”是空文件，请重新发送。`,
  uploadUnavailable: (name) => `没能从聊天中取到“${name}”，它可能已经失效。请重新发送文件。`,
  uploaded: (files) =>
    `📥 已收到：${files
      .map((f) => {
        const facts = [
          f.durationSec !== undefined ? formatClipLength(f.durationSec) : undefined,
          f.width && f.height ? `${f.width}×${f.height}` : undefined,
        ].filter(Boolean);
        return facts.length ? `${f.name}（${facts.join('，')}）` : f.name;
      })
      .join('；')}。`,
  afterUpload: (example) => `告诉我要怎么处理，例如“${example}”。`,
  signInFailed: '无法登录视频服务，请一分钟后再试。',
  sessionGone: '之前的会话已过期，之前的时间线已经没有了。我已为你新建了一个。',
  noCreditsAnonymous: (link) => `免费积分已用完。注册即可获得更多积分，并保留这个项目：${link}`,
  noCreditsRegistered: '积分已用完。请在你的账户中充值积分后再试。',
  unsupportedFile: (accepted) => `视频服务不接受这个文件。支持的格式：${accepted}。`,
  fileTooLarge: (limit) => `文件太大${limit ? `（上限 ${formatBytes(limit)}）` : ''}。请剪短或压缩后再发。`,
  exportBlocked: '请注册或升级套餐以解锁导出。（Register or upgrade your plan to unlock export.）',
  busy: '服务繁忙，请一分钟后再试。',
  serviceTrouble: '抱歉，视频服务暂时出现问题，请过几分钟再试。',
  renderFailed: '抱歉，渲染失败了。请稍后再用 /export 试一次。',
  timedOut: '视频服务响应超时，请再试一次。',
  cancelled: (running, dropped) => {
    const parts = [
      running ? '已停止当前任务' : undefined,
      dropped ? `已移除 ${dropped} 个排队任务` : undefined,
    ];
    return `⏹ ${parts.filter(Boolean).join('，')}。`;
  },
  nothingToCancel: '当前没有正在运行的任务。',
  newProject: '🆕 已开始新项目。发送视频或描述你想要的视频吧。',
  notAllowed: '抱歉，这是一个私有机器人。请联系它的运营者获取使用权限。',
  notSpender: (withRole) =>
    `在这个群里，只有管理员${withRole ? '和拥有视频角色的成员' : ''}可以上传、编辑、导出、新建项目或取消任务。所有人都可以使用 /credits、/status 和 /help。`,
  userBudgetReached: (limit, ms) =>
    `你今天的 ${limit} 次编辑已用完。额度在 UTC 00:00 重置（还有 ${formatCountdown(ms, 'zh')}）。导出不限次数。`,
  chatBudgetReached: (limit, ms) =>
    `这个聊天今天的 ${limit} 次编辑已用完。额度在 UTC 00:00 重置（还有 ${formatCountdown(ms, 'zh')}）。导出不限次数。`,
  limits: ({ userEdits, userLimit, chatEdits, chatLimit, exempt, resetsInMs }) =>
    [
      `今日编辑：你 ${userEdits}${userLimit > 0 && !exempt ? ` / ${userLimit}` : ''} 次，本聊天 ${chatEdits}${chatLimit > 0 && !exempt ? ` / ${chatLimit}` : ''} 次。`,
      exempt === 'admin'
        ? '你是管理员，不受每日额度限制。'
        : exempt === 'own-account'
          ? '这个聊天使用你自己的账户，不受每日额度限制。'
          : userLimit + chatLimit === 0
            ? '没有设置每日额度。'
            : `计数在 UTC 00:00 重置（还有 ${formatCountdown(resetsInMs, 'zh')}）。导出不限次数。`,
    ].join('\n'),
  statsOnlyAdmins: '/stats 仅供机器人管理员在与我的私聊中使用。',
  stats: ({ edits, exports, refusals, top }) =>
    [
      `今天（UTC）：编辑 ${edits} 次，导出 ${exports} 次，拒绝 ${refusals} 次。`,
      top.length > 0
        ? `编辑最多的用户：\n${top.map((u, i) => `${i + 1}. ${u.user}：${u.edits}`).join('\n')}`
        : '今天还没有编辑。',
    ].join('\n\n'),
  tokenOnlyPrivate: (fate) =>
    `请只在与我的私聊中发送 /token。${fate === 'deleted' ? '我已删除你的消息。' : fate === 'visible' ? '请立即删除你的消息，并把这个令牌视为已泄露。' : ''}`,
  tokenMissing:
    '请发送 /token 加上你的 NemoVideo 令牌（以 nmv_usr_ 开头）。令牌可以在你的 NemoVideo 账户中找到。',
  tokenRejected: 'NemoVideo 不接受这个令牌。请检查后重新发送 /token。',
  tokenSaved: (fate) =>
    `🔐 已连接：这个聊天现在使用你自己的 NemoVideo 账户和积分，并开始了一个新项目。${fate === 'deleted' ? '我已删除包含令牌的消息。' : fate === 'visible' ? '请删除包含令牌的消息。' : ''}发送 /logout 可断开连接。`,
  loggedOut: '已断开：你的令牌已被删除。这个聊天恢复使用机器人的账户，并开始了一个新项目。',
  notLoggedIn: '这个聊天没有使用你的令牌，无需删除。',
  ownTokenRejected:
    '你的 NemoVideo 令牌已不再有效（或已无法读取）。请在与我的私聊中重新发送 /token 和你的令牌，或发送 /logout。',
  accountLink: (url, ms) =>
    `打开这个链接，把这个聊天的作品转入已注册的 NemoVideo 账户（${formatElapsed(ms, 'zh')}内有效）：${url}`,
  accountRegistered: '这个聊天已经在使用注册账户，无需认领。',
  accountNothingYet: '还没有可认领的内容。请先开始一个项目：发送视频或描述一个视频。',
  buttons: {
    export: '导出',
    status: '状态',
    credits: '积分',
    newProject: '新项目',
    cancel: '取消',
    download: '下载',
  },
};

export function textsFor(lang: Lang): Texts {
  return lang === 'zh' ? zh : en;
}
