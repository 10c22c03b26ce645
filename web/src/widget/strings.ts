/** The widget's words, in English and Simplified Chinese (picked from the browser). */
export const STRINGS = {
  en: {
    open: 'Chat with us',
    close: 'Close chat',
    title: 'Chat with us',
    greeting: 'Hello! How can we help you today?',
    about: 'What is your question about?',
    pre_sale: 'Before buying',
    in_sale: 'An order in progress',
    after_sale: 'Help after buying',
    name: 'Your name',
    email: 'Email (so we can answer if you leave)',
    emailRequired: 'Email (we answer there)',
    message: 'Your message',
    start: 'Start chat',
    offline: 'Nobody can chat right now. Leave a message and we will answer by email.',
    send: 'Send',
    leave: 'Send message',
    left: 'Thank you! Your message is request #{number}. We will answer by email.',
    place: 'You are number {position} in the queue.',
    sentenceGap: ' ',
    wait: 'Expected wait: about {minutes} min.',
    waitSoon: 'We will answer as soon as someone is free.',
    joined: '{agent} joined the chat.',
    requeued: '{agent} had to leave. We are finding someone else to help you, please wait a moment.',
    transferred: 'Your chat was passed to a colleague who can help better. Please wait a moment.',
    ended: 'The chat has ended.',
    endedUnanswered: 'Nobody could answer in time, so this chat was closed. If you left your email, we will reply there.',
    endChat: 'End chat',
    typing: '{name} is typing…',
    sending: 'Sending',
    delivered: 'Delivered',
    read: 'Read',
    reconnecting: 'Reconnecting…',
    rate: 'How did we do?',
    expectation: 'Was this what you expected?',
    worse: 'Worse',
    asExpected: 'As expected',
    better: 'Better',
    comment: 'Anything to add? (optional)',
    submitRating: 'Send rating',
    thanks: 'Thank you for your feedback!',
    newChat: 'Start a new chat',
    you: 'You',
    openUnread: 'Chat with us ({count} new)',
    placeholder: 'Type a message…',
    error: 'Something went wrong: {message}',
    attach: 'Attach a photo or file',
    tooLarge: '{name} is too large to send (10 MB at most).',
    fileType: '{name} cannot be sent: send pictures, PDF, ZIP or text files.',
    notSent: '{name} was not sent.',
    retry: 'Try again',
  },
  zh: {
    open: '在线咨询',
    close: '关闭对话',
    title: '在线客服',
    greeting: '您好！请问有什么可以帮您？',
    about: '您想咨询哪方面的问题？',
    pre_sale: '购买前咨询',
    in_sale: '订单进行中',
    after_sale: '售后服务',
    name: '您的称呼',
    email: '电子邮箱（离开后我们可通过邮件回复）',
    emailRequired: '电子邮箱（我们将回复到此邮箱）',
    message: '您的留言',
    start: '开始咨询',
    offline: '客服暂时不在线。请留言，我们会通过邮件回复您。',
    send: '发送',
    leave: '提交留言',
    left: '谢谢！您的留言编号为 #{number}，我们会通过邮件回复您。',
    place: '您在队列中排第 {position} 位。',
    sentenceGap: '',
    wait: '预计等待约 {minutes} 分钟。',
    waitSoon: '客服一有空就会回复您。',
    joined: '{agent} 已加入对话。',
    requeued: '{agent} 已离开，我们正在为您安排其他客服，请稍候。',
    transferred: '您的对话已转给更合适的同事，请稍候。',
    ended: '对话已结束。',
    endedUnanswered: '暂时无人接待，本次对话已关闭。如您留下了邮箱，我们会通过邮件回复您。',
    endChat: '结束对话',
    typing: '{name} 正在输入…',
    sending: '发送中',
    delivered: '已送达',
    read: '已读',
    reconnecting: '正在重新连接…',
    rate: '请为本次服务评分',
    expectation: '这符合您的预期吗？',
    worse: '低于预期',
    asExpected: '符合预期',
    better: '超出预期',
    comment: '还有什么想说的？（选填）',
    submitRating: '提交评分',
    thanks: '感谢您的评价！',
    newChat: '开始新的对话',
    you: '我',
    openUnread: '在线咨询（{count} 条新消息）',
    placeholder: '请输入消息…',
    error: '出错了：{message}',
    attach: '添加图片或文件',
    tooLarge: '{name} 太大，无法发送（最大 10 MB）。',
    fileType: '{name} 无法发送：请发送图片、PDF、ZIP 或文本文件。',
    notSent: '{name} 未发送成功。',
    retry: '重试',
  },
} as const;

export type Lang = keyof typeof STRINGS;
export type Key = keyof (typeof STRINGS)['en'];

/** The widget's language: Chinese for a Chinese browser, English otherwise. */
export function pickLang(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (primary === 'zh') return 'zh';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** A translator for `lang`. */
export function translator(lang: Lang) {
  return (key: Key, params: Record<string, string | number> = {}) =>
    STRINGS[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
}
