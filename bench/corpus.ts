/**
 * A generated mailbox backlog for the benchmark: letters in kk/ru/en, plain and HTML, UTF-8 and
 * windows-1251, 5% with an attachment of 100 KB–2 MB (log-uniform: most are small), one of 30 MB,
 * and a few automatic mails (auto-replies, list mail) that must be recorded, not registered.
 * Deterministic for a seed (sizes, texts, kinds); produced lazily so a big corpus never sits in memory.
 */
import { randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';

export interface CorpusOptions {
  count: number;
  seed?: number;
  /** share of messages with an attachment (default 0.05) */
  attachmentShare?: number;
  /** size of the one huge attachment in bytes (default 30 MB; 0 for none) */
  hugeAttachmentBytes?: number;
  /** receipt dates are spread over this many days before `olderThan` */
  spreadDays?: number;
  /** every message is received before this instant (older than the answer age: no answering) */
  olderThan: Date;
}

export interface CorpusMessage {
  raw: Buffer;
  internalDate: Date;
  /** true for a person's letter (to be registered); false for automatic mail (recorded only) */
  appeal: boolean;
}

export interface CorpusSummary {
  count: number;
  appeals: number;
  bytes: number;
  withAttachment: number;
}

type Lang = 'kk' | 'ru' | 'en';

/** mulberry32: small, fast, good enough for picking words. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SENTENCES: Record<Lang, string[]> = {
  ru: [
    'Уже третью неделю в нашем доме отключают электричество по вечерам без предупреждения.',
    'Мне пришёл счёт за отопление, который в три раза больше, чем в прошлом году.',
    'Батареи в квартире еле тёплые, хотя отопительный сезон начался давно.',
    'Контролёр не пришёл в назначенное время, и нам начислили пеню.',
    'Прошу разобраться, почему на ТЭЦ-2 до сих пор не отвечают на мои звонки.',
    'Сотрудник участка намекнул, что за быстрое подключение нужно заплатить ему лично.',
    'Во дворе повреждён кабель, дети играют рядом, это опасно.',
    'Напряжение в сети постоянно скачет, у соседей сгорел холодильник.',
    'Я обращался в ЕРЦ, но там сказали обращаться в АлЭС.',
    'Прошу провести проверку и сообщить мне о результатах.',
    'На Капшагайской ГЭС сократили смену, а сверхурочные не оплачивают.',
    'Горячая вода отсутствует уже десять дней, а плата начисляется полностью.',
  ],
  kk: [
    'Біздің үйде кешке қарай ескертусіз электр жарығы өшіріледі.',
    'Жылу үшін төлем өткен жылмен салыстырғанда үш есе өсті.',
    'Пәтердегі радиаторлар әрең жылы, жылу маусымы әлдеқашан басталды.',
    'Бақылаушы белгіленген уақытта келмеді, бізге өсімпұл есептелді.',
    'ЖЭО-2 неге қоңырауларыма жауап бермейтінін анықтауды сұраймын.',
    'Учаске қызметкері тез қосу үшін оған жеке ақша төлеу керек екенін айтты.',
    'Аулада кабель зақымдалған, балалар жанында ойнайды, бұл қауіпті.',
    'Желідегі кернеу үнемі секіреді, көршілердің тоңазытқышы күйіп қалды.',
    'Тексеру жүргізіп, нәтижесі туралы маған хабарлауыңызды сұраймын.',
    'Ыстық су он күннен бері жоқ, ал төлем толық есептеледі.',
  ],
  en: [
    'For three weeks now the power in our building has been cut every evening without notice.',
    'My heating bill is three times higher than last year for the same month.',
    'The radiators in the flat are barely warm although the heating season started long ago.',
    'The meter reader did not come at the agreed time and we were charged a penalty.',
    'A worker at the district office hinted that a quick connection needs a personal payment.',
    'A damaged cable lies in the courtyard where children play; it is dangerous.',
    'The voltage keeps jumping and our neighbours lost a fridge to it.',
    'Please look into this and let me know the outcome.',
    'There has been no hot water for ten days, yet we are billed in full.',
  ],
};

const GREETING: Record<Lang, string[]> = {
  ru: ['Здравствуйте.', 'Добрый день!', 'Уважаемый омбудсмен,'],
  kk: ['Сәлеметсіз бе.', 'Қайырлы күн!', 'Құрметті омбудсмен,'],
  en: ['Hello,', 'Dear Ombudsman,', 'Good afternoon,'],
};

const SUBJECTS: Record<Lang, string[]> = {
  ru: ['Жалоба', 'Обращение', 'Отключения электричества', 'Счёт за отопление', 'Прошу помочь'],
  kk: ['Шағым', 'Өтініш', 'Жарық өшіру', 'Жылу төлемі', 'Көмек сұраймын'],
  en: ['Complaint', 'Appeal', 'Power cuts', 'Heating bill', 'Please help'],
};

const NAMES: Record<Lang, string[]> = {
  ru: ['Ахметова Гульнара Сериковна', 'Иванов Сергей Петрович', 'Ким Алексей Викторович'],
  kk: ['Нұрланов Асқар Ерланұлы', 'Серікова Айгүл Бекқызы', 'Төлеуов Дәурен Маратұлы'],
  en: ['John Smith', 'Aliya Karimova', 'David Brown'],
};

const STREETS = ['Розыбакиева', 'Абая', 'Толе би', 'Сейфуллина', 'Жандосова', 'Достык'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function letterText(r: () => number, lang: Lang, serial: number): { text: string; name: string } {
  const name = pick(r, NAMES[lang]);
  const count = 3 + Math.floor(r() * 6);
  const body = Array.from({ length: count }, () => pick(r, SENTENCES[lang]));
  const account = 1_000_000_000 + serial * 7919 + Math.floor(r() * 1000);
  const street = pick(r, STREETS);
  const phone = `+7 7${Math.floor(r() * 10)}${Math.floor(r() * 10)} ${100 + Math.floor(r() * 900)} ${10 + Math.floor(r() * 90)} ${10 + Math.floor(r() * 90)}`;
  const signature = {
    ru: `С уважением,\n${name}\nг. Алматы, ул. ${street}, ${1 + Math.floor(r() * 300)}, кв. ${1 + Math.floor(r() * 120)}\n${phone}\nЛицевой счёт ${account}`,
    kk: `Құрметпен,\n${name}\nАлматы қ., ${street} к-сі, ${1 + Math.floor(r() * 300)}, ${1 + Math.floor(r() * 120)} пәтер\n${phone}\nДербес шот ${account}`,
    en: `Regards,\n${name}\n${1 + Math.floor(r() * 300)} ${street} St, Almaty\n${phone}\nAccount ${account}`,
  }[lang];
  return { text: `${pick(r, GREETING[lang])}\n\n${body.join(' ')}\n\n${signature}\n`, name };
}

function encodedWord(value: string): string {
  return /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function textPart(text: string, charset: 'utf-8' | 'windows-1251', subtype: 'plain' | 'html') {
  const bytes = charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'win1251');
  const body = base64Lines(bytes);
  return `Content-Type: text/${subtype}; charset="${charset}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`;
}

function htmlOf(text: string): string {
  const paragraphs = text
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return `<html><head><style>p{font-family:Arial}</style></head><body><div dir="ltr">${paragraphs}</div></body></html>`;
}

/** Log-uniform size in [min, max]: many small attachments, few large ones. */
function attachmentSize(r: () => number): number {
  const min = 100 * 1024;
  const max = 2 * 1024 * 1024;
  return Math.round(min * Math.pow(max / min, r()));
}

function message(
  r: () => number,
  serial: number,
  options: { attachment: number; automatic: 'auto-reply' | 'list' | null },
): Buffer {
  const lang: Lang = r() < 0.5 ? 'ru' : r() < 0.6 ? 'kk' : 'en';
  const { text, name } = letterText(r, lang, serial);
  const charset = lang === 'ru' && r() < 0.5 ? 'windows-1251' : 'utf-8';
  const from = `user${serial}@example.kz`;
  const boundary = (n: number) => `----=_Part_${serial}_${n}`;
  // no serial in the subject: "Жалоба n5" would name appeal No. 5 (a follow-up, rules 4.14)
  let subject = pick(r, SUBJECTS[lang]);
  const headers = [
    `Received: from mx.example.kz by mx.ales.kz with ESMTPS; ${new Date().toUTCString()}`,
    `From: ${encodedWord(name)} <${from}>`,
    'To: ombudsman@ales.kz',
    `Date: ${new Date(Date.UTC(2025, 0, 1) + serial * 60_000).toUTCString()}`,
    `Message-ID: <bench.${serial}.${randomBytes(6).toString('hex')}@example.kz>`,
    'MIME-Version: 1.0',
  ];
  if (options.automatic === 'auto-reply') {
    subject = `Auto: ${subject}`;
    headers.push('Auto-Submitted: auto-replied');
  } else if (options.automatic === 'list') {
    headers.push('List-Id: <news.example.kz>', 'Precedence: list');
  }
  headers.push(`Subject: ${encodedWord(subject)}`);

  const html = r() < 0.4;
  let body = html
    ? `Content-Type: multipart/alternative; boundary="${boundary(1)}"\r\n\r\n` +
      `--${boundary(1)}\r\n${textPart(text, charset, 'plain')}` +
      `--${boundary(1)}\r\n${textPart(htmlOf(text), charset, 'html')}--${boundary(1)}--\r\n`
    : textPart(text, charset, 'plain');
  if (options.attachment > 0) {
    // base64 grows 4/3: the attachment's encoded size is what the mailbox holds
    const data = randomBytes(Math.floor((options.attachment * 3) / 4));
    const [type, file] = r() < 0.5 ? ['application/pdf', 'scan.pdf'] : ['image/jpeg', 'photo.jpg'];
    body =
      `Content-Type: multipart/mixed; boundary="${boundary(0)}"\r\n\r\n` +
      `--${boundary(0)}\r\n${body}` +
      `--${boundary(0)}\r\nContent-Type: ${type}; name="${file}"\r\nContent-Disposition: attachment; filename="${file}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(data)}\r\n` +
      `--${boundary(0)}--\r\n`;
  }
  return Buffer.from(`${headers.join('\r\n')}\r\n${body}`, 'utf8');
}

/** The plan of a corpus: which messages are automatic or carry attachments (cheap, no bodies). */
export function corpusPlan(options: CorpusOptions) {
  const r = rng((options.seed ?? 1) * 7 + 3);
  const share = options.attachmentShare ?? 0.05;
  const huge = options.hugeAttachmentBytes ?? 30 * 1024 * 1024;
  const plan = Array.from({ length: options.count }, () => {
    const x = r();
    const automatic = x < 0.03 ? ('auto-reply' as const) : x < 0.04 ? ('list' as const) : null;
    const attachment = r() < share ? attachmentSize(r) : 0;
    return { automatic, attachment };
  });
  // the huge one sits in the middle of the backlog, among ordinary mail
  if (huge > 0 && plan.length > 0)
    plan[Math.floor(plan.length / 2)] = { automatic: null, attachment: huge };
  return plan;
}

export function summarize(options: CorpusOptions): Omit<CorpusSummary, 'bytes'> {
  const plan = corpusPlan(options);
  return {
    count: plan.length,
    appeals: plan.filter((p) => p.automatic === null).length,
    withAttachment: plan.filter((p) => p.attachment > 0).length,
  };
}

/** The messages, one at a time. */
export function* generateCorpus(options: CorpusOptions): Generator<CorpusMessage> {
  const plan = corpusPlan(options);
  const r = rng(options.seed ?? 1);
  const spread = (options.spreadDays ?? 365) * 86_400_000;
  const end = options.olderThan.getTime();
  for (let i = 0; i < plan.length; i++) {
    const p = plan[i]!;
    yield {
      raw: message(r, i + 1, p),
      // oldest first, as a backlog is
      internalDate: new Date(end - spread + Math.floor((spread * i) / plan.length)),
      appeal: p.automatic === null,
    };
  }
}
