/**
 * Keyword data for triage (rules 4.10). Data, not code: add a stem here, not a branch in triage.ts.
 *
 * Pattern syntax. Patterns are regular expressions over the folded text (lower case, ё→е, Kazakh
 * letters to their plain Cyrillic look-alikes, so «қорлау» also matches «корлау»), compiled once by
 * triage.ts, with these conveniences:
 * - a pattern matches at the start of a word, and its last word is a prefix: `взятк` matches
 *   «взятку», «взятками»;
 * - a space between words allows up to two other words in between: `подар* руковод` matches
 *   «на подарки всему руководству»; `_` allows none: `на_лапу`;
 * - inside a phrase, a word is whole unless it ends with `*` (any letters): `треб* деньг` matches
 *   «требует с нас деньги», `пара (алады|алды)` does not match «парад»;
 * - `$` ends a word: `пара$` matches «пара» but not «парад»;
 * - `(a|b)` and `?` group and make optional; write no capturing group (they are made non-capturing).
 *
 * Weights: 3 a clear signal on its own; 2 a signal; 1 a weak signal; 0 a topic hint that only
 * helps choose the category (or, for `actor`/`kin`, feeds a combination below).
 */
import type { Language } from './appeal.models.js';

export const IN_CATEGORIES = [
  'corruption',
  'fraud',
  'conflict_of_interest',
  'harassment',
  'safety',
  'abuse_of_position',
  'procurement',
  'conduct_other',
] as const;
export type InCategory = (typeof IN_CATEGORIES)[number];

/** In tie-break order: a message naming a tariff is about the tariff, whatever it is for. */
export const OUT_CATEGORIES = [
  'tariffs',
  'billing',
  'heating',
  'outage',
  'jobs',
  'commercial',
  'information',
] as const;
export type OutCategory = (typeof OUT_CATEGORIES)[number];

export type Category = InCategory | OutCategory;

/**
 * What a rule is evidence of: a category, or an in-scope cue without a category of its own:
 * `actor` an employee or official is mentioned; `wrong` something wrong is said to be done;
 * `kin` a relative is mentioned; `whistle` the writer hides their name or asks for protection;
 * or a note on the kind of letter (NOTE_CUES), which is evidence of neither side.
 */
export type Cue = Category | StructureCue | NoteCue;

/**
 * In-scope cues without a category of their own (weight 0 unless said otherwise): they count through
 * COMBINATIONS. `actor` an employee or official; `wrong` a wrong act (weight 1); `kin` a relative or
 * friend; `whistle` the writer hides their name; `workplace` the writer speaks from inside the
 * workplace; `money` an amount; `cash` cash or an envelope; `take` someone takes, collects or asks;
 * `protected` sex, ethnicity, language, age, faith or health; `owns` owns or founded a firm; `hire`
 * hired or appointed.
 */
export const STRUCTURE_CUES = [
  'actor',
  'wrong',
  'kin',
  'whistle',
  'workplace',
  'money',
  'cash',
  'take',
  'protected',
  'owns',
  'hire',
] as const;
export type StructureCue = (typeof STRUCTURE_CUES)[number];

export const IN_CUES: ReadonlySet<Cue> = new Set<Cue>([...IN_CATEGORIES, ...STRUCTURE_CUES]);

/**
 * Notes on the kind of letter, neither in nor out of scope (NOTE_RULES): `thanks` the writer thanks
 * staff or the line for their work; `contrast` a «but» that may turn praise into a complaint;
 * `elsewhere` a body or person outside AlES (an akimat, the police, a school, a neighbour), whose
 * wrongdoing is not the trust line's to investigate; `urgent` a threat to someone's life or health,
 * or revenge on the writer: the Ombudsman's digest puts it first.
 */
export const NOTE_CUES = ['thanks', 'contrast', 'elsewhere', 'urgent'] as const;
export type NoteCue = (typeof NOTE_CUES)[number];

export interface KeywordRule {
  lang: Language;
  cue: Cue;
  weight: number;
  patterns: readonly string[];
  /** fires only when the text looks Kazakh: the stem is a common word in Russian (ru «пара» "a pair") */
  kkOnly?: boolean;
}

/** Cues found together add weight to a category (e.g. an employee + money + taking it). */
export interface Combination {
  /** every one of these cues is present */
  when: readonly Cue[];
  cue: InCategory;
  weight: number;
}

const r = (
  lang: Language,
  cue: Cue,
  weight: number,
  patterns: readonly string[],
  kkOnly = false,
): KeywordRule => ({ lang, cue, weight, patterns, ...(kkOnly ? { kkOnly } : {}) });

// rules 4.10: "violations of the Code of Conduct and illegal acts of employees and officials"
export const IN_RULES: readonly KeywordRule[] = [
  // corruption: bribery, kickbacks, extortion
  r('ru', 'corruption', 3, [
    'взятк',
    'взяточ',
    'мзд',
    'откат',
    'вымога',
    'коррупц',
    'подкуп',
    'побор',
    'на_лапу',
    // third person or past only: «требую вернуть деньги» is a customer's demand, not extortion
    'требу(ет|ют) (деньг|денег|оплат|наличн|процент)',
    'требовал(а|и)?_(деньг|денег|наличн|процент)',
    'прос(ит|ят|ил|ила|или)_(деньг|денег)',
    'прода(ет|ют|вал|вали|ет) (мест|должност|работ)',
    'место_стоит',
    'подар* руковод',
    'если (дам|дать|дадим|заплачу|заплатить|заплатим)_(ему|ей|им)',
    '[«"“]решить_вопрос',
  ]),
  r('ru', 'corruption', 2, ['за_(деньги|вознагражден)', '(за)?плати(те)?_(мне|лично|ему)']),
  r('ru', 'corruption', 1, [
    '(берет|берут|брал|брала|брали|взял|взяла|взяли) (деньг|денег)',
    'наличк',
    'отблагодар',
    '(ничего|штрафа|проблем) не_будет',
  ]),
  r('en', 'corruption', 3, [
    'brib',
    'kickback',
    'kick-back',
    'extort',
    'corrupt',
    'pay-?off',
    'backhander',
    'demand(s|ed)_(money|cash)',
    '(asks|asked|asking)_(me|us|them|workers|people)_for_(money|cash|a_cut)',
    'asked for a_["“«]?(thank|gift|present|tip)',
    '(sell*|sold|buy*|bought) (jobs|positions|places)',
    'paid (to get|for the job)',
  ]),
  r('kk', 'corruption', 3, [
    'парақор',
    'параны',
    'параға',
    'пара (алады|алды|алған|алып|берді|беру|берсең|талап|сұра*|емес)',
    'сыбайлас',
    'жемқор',
    'бопса',
    'ақша* талап_ет(еді|ті|іп|кен)',
    'ақша* сұра(йды|ды|ған|п)',
    'ақша_берсең',
    'ақша* (ұстап|жинайды|жинап)',
    'кері_қайтарым',
  ]),
  r('kk', 'corruption', 1, ['пара$'], true),
  // Kazakh typed in Latin letters
  r('kk', 'corruption', 3, [
    'para (alady|aldy|algan|alyp|berdi|beru|talap|surad*|emes)',
    'para(k|q)or',
    '(zh|j)em(k|q)or',
    'syba(i|y)las',
  ]),
  r('kk', 'corruption', 1, ['ақша_алды', 'қолма-қол']),

  r('ru', 'corruption', 3, [
    'суют',
    'сун(ул|ули|уть)',
    'конверт* (с|со)_(деньг|наличн)',
    '(деньг|денег)* в_конверт',
    'крышу(ет|ют)',
    'покровительств',
  ]),
  r('ru', 'corruption', 1, [
    '(пока|если) не_(заплатишь|заплатите|заплатим|дашь|дадите|дадим|занесешь|занесете)',
    'без_(денег|оплаты)_(не|ничего)',
  ]),
  r('ru', 'corruption', 2, ['за_подпись', 'дань$', 'занести (ему|ей|им|начальник)']),
  r('en', 'corruption', 1, ['unless (we|i|you) (pay|paid|give)']),
  r('en', 'corruption', 3, [
    'under_the_table',
    'envelope (with|of)_(money|cash)',
    'in an_envelope',
    '(take|takes|took|taking)_a_(cut|share|percentage)',
    'pay (him|her|them)_(off|directly|personally)',
    'grease (his|her|their|the)_palm',
  ]),
  r('kk', 'corruption', 2, ['бермесең']),
  r('kk', 'corruption', 3, ['қалтасына', 'сыйлық (сұра|талап)', 'ақы (сұра|талап)']),
  r('kk', 'corruption', 1, ['ақша (алады|алып|алатын)']),

  // fraud, theft, embezzlement
  r('ru', 'fraud', 3, [
    'мошенн',
    'хищен',
    'похищ',
    'краж',
    'крад',
    'украл',
    'украд',
    'ворова',
    'воруе',
    'ворую',
    'растрат',
    'присвои* (деньг|денег|средств|себе|имуществ)',
    'присвоени* (деньг|денег|средств|имуществ)',
    'приписк',
    'распил* (бюджет|деньг|денег|средств)',
    'мертв* душ',
    'в_доле$',
    'разниц* себе',
  ]),
  r('ru', 'fraud', 2, [
    'фиктивн',
    'липов',
    'подделк',
    'подделал',
    'подделыва',
    'фальсифи',
    'махинац',
    'в_(свой|собственный)_карман',
    'переписал* показан',
    'представ* сотрудник',
    'деньг* (дел(ят|или|ит))',
    'дел(ят|или|ит) (деньг|денег)',
  ]),
  r('ru', 'fraud', 1, ['обман']),
  // a timesheet is an employee matter: a weak signal (blocks `out`), never a bill
  r('ru', 'fraud', 1, ['табел']),
  r('ru', 'fraud', 0, ['списыва', 'вывоз', 'склад']),
  r('en', 'fraud', 3, [
    'fraud',
    'steal',
    'stole',
    'theft',
    'embezzl',
    'misappropriat',
    'ghost_(employee|worker)',
    'pocket* the',
  ]),
  r('en', 'fraud', 2, ['fake', 'forged', 'forgery', 'falsif', 'scam', 'kept the money']),
  r('en', 'fraud', 1, ['cheat']),
  r('kk', 'fraud', 3, [
    'ұрла',
    'ұрлық',
    'алаяқ',
    'жымқыр',
    'талан-тараж',
    'ақша* өзі*',
    'табель* толтыр',
  ]),
  r('kk', 'fraud', 2, ['жалған', 'айыппұл_деп']),
  r('kk', 'fraud', 0, ['қойма']),
  r('kk', 'fraud', 3, ['(u|ú)rla', 'ala(i|y)a(k|q)']),

  r('ru', 'fraud', 3, [
    'прикарман',
    'слив* (топлив|соляр|бензин|мазут|дизел)',
    'не работал* (но|а) (получ|оплач)',
    '(вынос|вывоз)(ят|ит|или|ил) (со|с|из)_(склад|цех|территор|станц|тэц|объект)',
  ]),
  r('ru', 'fraud', 2, ['задним_числом', 'обвес', 'без_документов']),
  r('ru', 'fraud', 1, ['обсчит', 'недостач']),
  r('en', 'fraud', 3, [
    'inflated (invoices|hours|timesheets|figures|bills)',
    'siphon',
    'shell_company',
    'false (invoices|documents|reports|records)',
  ]),
  r('en', 'fraud', 2, [
    'padded',
    'never (worked|showed|came)',
    'backdat',
    'kept for (himself|herself)',
  ]),
  r('en', 'fraud', 1, ['missing (fuel|materials|cable|equipment|money)', 'dishonest']),
  r('kk', 'fraud', 3, ['жалған (құжат|есеп|акт)', 'тасып (кетеді|әкетеді|кетті|әкетті)']),
  r('kk', 'fraud', 1, ['өтірік', 'алдап', 'алдады', 'жұмыс істемеген']),

  r('ru', 'fraud', 1, ['пропада* (материал|инструмент|кабел|топлив|оборудован|металл)']),
  r('en', 'fraud', 1, ['(went|go|goes|gone) missing', 'disappear']),
  r('kk', 'fraud', 1, ['жоғал']),

  // conflict of interest
  r('ru', 'conflict_of_interest', 3, [
    'конфликт* интерес',
    'аффилир',
    'кумовств',
    'семействен',
    'фирм* (жены|брата|сына|зятя|родствен)',
    'принадлеж* (жене|брату|сыну|зятю|родствен)',
  ]),
  r('ru', 'conflict_of_interest', 2, ['одновременно являет']),
  r('ru', 'conflict_of_interest', 1, ['земляк', 'в_(его|ее|своем)_подчинен']),
  r('ru', 'kin', 0, [
    'родствен',
    'брат',
    'сестр',
    'жена$',
    'жену$',
    'жены$',
    'сын(а|у|ом)?$',
    'дочь',
    'дочер',
    'зят',
    'племянн',
    'свояк',
  ]),
  r('en', 'conflict_of_interest', 3, [
    'conflict* of interest',
    'nepotis',
    'cronyism',
    'owned by (his|her|their)',
    "(never|not|didn't) disclos",
    'his own (company|firm)',
  ]),
  r('en', 'kin', 0, [
    'relatives?$',
    '(his|her)_(wife|husband|brother|sister|son|daughter|cousin|nephew|in-law)',
    'family members?',
  ]),
  r('kk', 'conflict_of_interest', 3, ['мүдде* қақтығ', 'тамыр-таныс']),
  r('kk', 'conflict_of_interest', 1, ['жерлес']),
  r('kk', 'kin', 0, [
    'туыс',
    'ұлы$',
    'ұлын',
    'келін',
    'қызы$',
    'әйелі',
    'жиен',
    'жақын_адам',
    // not the name Бауыржан
    'бауыр(ым|ың|ы|ымыз|ымның|ымға|ымды|ына|лар|лары|ларым)?$',
  ]),

  r('ru', 'conflict_of_interest', 3, [
    'оформлен* на (жену|жены|тещ|свекр|брат|сестр|сына|дочь|родствен|зят|кум|мужа)',
    'по_блат',
  ]),
  r('ru', 'conflict_of_interest', 2, ['его (фирм|компани|тоо)', 'блат', 'протеж', 'своих_людей']),
  r('ru', 'kin', 0, ['тещ', 'свекр', 'муж(а|у|ем)?$', 'кум(а|у|ом)?$']),
  r('en', 'conflict_of_interest', 3, [
    'registered (to|in the name of) (his|her)',
    'undisclosed',
    'personal interest',
  ]),
  r('en', 'conflict_of_interest', 2, ['family business']),
  r('en', 'kin', 0, ['in-law', 'cousin', 'brother', 'nephew']),
  r('kk', 'conflict_of_interest', 3, ['атына (рәсімдел|тіркел)', 'өз адамдар', 'жекжат']),
  r('kk', 'kin', 0, ['енесі', 'қайын', 'ағасы', 'інісі']),

  // harassment, discrimination, bullying
  r('ru', 'harassment', 3, [
    'оскорб',
    'униж',
    'унизи',
    'дискримин',
    'домога',
    'травл',
    'травят',
    'буллинг',
    'моббинг',
    'харассмент',
    'приставан',
    'издева',
    'притесн',
    'сексуальн',
  ]),
  r('ru', 'harassment', 2, ['обзыва', 'называ* (туп|дур|идиот)', 'не_место_в']),
  r('ru', 'harassment', 1, ['кричит', 'орет', 'орут', 'национальност', 'по_национальн']),
  r('en', 'harassment', 3, [
    'harass',
    'bully',
    'bullied',
    'bullies',
    'discriminat',
    'sexual',
    'humiliat',
    'insult',
    'racis',
    'groping',
  ]),
  r('en', 'harassment', 2, ['mock', 'touching me', 'verbal abuse']),
  r('en', 'harassment', 1, ['yell', 'shout']),
  r('kk', 'harassment', 3, ['қорла', 'кемсіт', 'қудала', 'зорлық', 'жыныстық', 'намысқа ти']),
  r('kk', 'harassment', 2, ['мазақ', 'балағат', 'келемежде']),
  r('kk', 'harassment', 1, ['айқайла', 'ұлтым', 'ұлтқа']),
  r('kk', 'harassment', 3, ['(k|q)orla', 'kemsit']),

  r('ru', 'harassment', 3, [
    'избил',
    'лапа(ет|л)',
    'интим',
    'преследу',
    'гноб',
    'затрав',
    'психологическ* давлен',
  ]),
  r('ru', 'harassment', 2, [
    'высмеива',
    'насмеха',
    'гадост',
    'клевет',
    'наорал',
    'прессу(ет|ют)',
    'удари(л|ла|ли)',
    'бь(ет|ют)$',
    'толкнул',
  ]),
  r('ru', 'harassment', 1, ['сплетн', 'руга(ет|ется|лся|лась|ются)', 'кричал', 'орал', 'гнать']),
  r('en', 'harassment', 3, [
    'hit me',
    'stalk',
    'inappropriate (comments|touch|messages|remarks)',
    "because (i am|i'm) (a woman|pregnant|old|disabled|kazakh|russian|muslim|female)",
  ]),
  r('en', 'harassment', 2, [
    'sw(ea|o)r* at',
    'cursing',
    // «ridiculous» is said of bills and cold radiators; ridiculing is done to people
    'ridicul(e|es|ed|ing)$',
    'belittl',
    'picks_on',
    'hostile',
    'unwanted (attention|advances|touch|comments)',
  ]),
  r('en', 'harassment', 1, ['screams', 'screamed', 'pushed me']),
  r('kk', 'harassment', 3, ['боқта', 'масқарала', 'жәбірле']),
  r('kk', 'harassment', 2, ['ұрса', 'ұрды', 'соқты', 'кекете', 'әжуала', 'қуып жіберем']),
  r('kk', 'harassment', 1, ['ұрыс']),

  r('ru', 'harassment', 2, ['беременн', 'декрет']),
  r('en', 'harassment', 2, ['calling (me|us|him|her) names', 'pregnan', 'women should']),
  r('kk', 'harassment', 2, ['жүкті', 'жұмыстан кет']),

  // safety violations, hidden or concealed accidents
  r('ru', 'safety', 3, [
    'нарушен* (техник|правил|требован)* безопасн',
    'скры* (авари|несчаст|травм|инцидент|случа)',
    'сокры* (авари|несчаст|травм|инцидент)',
    'замалчива* (авари|несчаст|травм|инцидент)',
    'бытов* травм',
  ]),
  r('ru', 'safety', 2, [
    'без_(страховк|страховочн|средств_защит|спецодежд|каски)',
    'защит* (отключ|неисправн|не_работа)',
    'перемычк',
    'зашунтир',
  ]),
  r('ru', 'safety', 1, ['техник* безопасн', 'охран* труда', 'погибн', 'гибел']),
  r('ru', 'safety', 0, ['авари', 'несчастн* случа', 'травм', 'инцидент', 'током', 'пострада']),
  r('en', 'safety', 3, [
    'safety (violation|breach)',
    'unsafe',
    'cover* up (the|an|accident)',
    'covered up',
    'hush* up',
  ]),
  r('en', 'safety', 2, ['without (harness|helmet|protective)', 'off_the_books', 'near_miss']),
  r('en', 'safety', 1, ['safety']),
  r('en', 'safety', 0, ['accident', 'injur', 'incident', 'fell$', 'electrocut']),
  r('kk', 'safety', 3, ['қауіпсіздік (техникасы|талаптары)* (сақталмай|бұзыл)', 'апатты жасыр']),
  r('kk', 'safety', 2, ['қорғаныс (киім|құрал)* (берілмей|жоқ)', 'айтпаңдар']),
  r('kk', 'safety', 1, ['қауіпсіздік_техникасы', 'еңбек_қорғау']),
  r('kk', 'safety', 0, ['апат', 'жарақат', 'күйіп', 'қаза_тап']),

  r('ru', 'safety', 2, [
    'никому не_(говорить|рассказывать|сообщать)',
    'получен* дома',
    'не_расследова',
    'без_(допуска|наряда)',
    'нарушен* тб$',
  ]),
  r('ru', 'safety', 1, ['наряд-допуск', 'сиз$']),
  r('ru', 'safety', 0, [
    'опасн',
    'утечк',
    'пожар',
    'взрыв',
    'ожог',
    'упал',
    'сорвал',
    'зацепил',
    'обрушен',
  ]),
  r('en', 'safety', 2, [
    'told (us|them|everyone|workers) (not to|to keep)',
    'keep (it)? quiet',
    'unreported',
    'not (reported|recorded|registered)',
    'no_(harness|helmet|ppe)',
  ]),
  r('en', 'safety', 1, ['ppe$', 'dangerous']),
  r('en', 'safety', 0, ['gas_leak', 'explosion', 'burns', 'hurt', 'fire$']),
  r('kk', 'safety', 2, ['ешкімге айтпа', 'тіркелмеді']),
  r('kk', 'safety', 1, ['қауіпті']),
  r('kk', 'safety', 0, ['өрт', 'жарылыс', 'құлап', 'зардап_шек']),

  // abuse of position
  r('ru', 'abuse_of_position', 3, [
    'злоупотреб',
    'превыш* (полномоч|служебн|должностн)',
    'запугива',
    'служебн* (положен|полномоч)',
    'для личн* (цел|нужд|дел)',
  ]),
  r('ru', 'abuse_of_position', 2, [
    'служебн* (автомоб|машин|транспорт)',
    'лиша* преми',
    'лишит* преми',
    'грозит* (уволь|увольн)',
    'угрож* (уволь|увольн)',
    'принужд',
    'оказыва* давлен',
    'давят_на',
  ]),
  r('ru', 'abuse_of_position', 1, ['заставля', 'сверхурочн', 'уволил']),
  r('en', 'abuse_of_position', 3, [
    'abus* (power|position|office|authority)',
    'for (personal|private) (use|purposes|gain|errands)',
    'intimidat',
    'misuse',
  ]),
  r('en', 'abuse_of_position', 2, [
    'threaten*',
    'company (staff|car|vehicle)',
    '(his|her) (private|own) (house|home|dacha|cottage)',
  ]),
  r('en', 'abuse_of_position', 1, [
    'forces?_(us|me|them|workers|staff)',
    'forced_(us|me|them)',
    'without_pay',
    'unpaid_overtime',
    'fire_(anyone|me|us)',
  ]),
  r('kk', 'abuse_of_position', 3, [
    'қызмет* бабы*',
    'қызмет* (жағдай|өкілеттіг)* (пайдалан|асыр)',
    'өкілеттіг* асыр',
    'қорқыт',
  ]),
  r('kk', 'abuse_of_position', 2, [
    'қызметтік_көлік',
    'жеке_(мақсат|қажет)',
    'мәжбүрле',
    'қысым_көрсет',
    'жұмыстан шығар* (деп|қорқ)',
  ]),

  r('ru', 'abuse_of_position', 3, ['самоуправ', 'произвол', 'самодур', 'в_отместку']),
  r('ru', 'abuse_of_position', 2, [
    'личн* (поручен|водител|шофер)',
    'возит* (детей|семью|жену|тещ)',
    'силами (работник|подчинен|сотрудник|рабочих)',
    'лиши(ли|л|ла) преми',
    'уволю',
  ]),
  r('ru', 'abuse_of_position', 1, ['без_преми', 'уволить$', 'не_отпуска']),
  r('en', 'abuse_of_position', 3, ['personal errands', 'power_trip']),
  r('en', 'abuse_of_position', 2, ['errands', 'withh(e|o)ld* (bonus|pay|salary|wages)', 'demot']),
  r('en', 'abuse_of_position', 1, [
    '(his|her)_(kids|children|family)',
    'no_bonus',
    'punish',
    'makes (us|staff|junior|workers|employees)',
  ]),
  r('kk', 'abuse_of_position', 2, [
    'жеке (шаруа|тапсырма|ісін|жұмыс)',
    '(сыйақы|премия)* (айыр|қағ)',
    'жұмыстан (қуам|қуып|шығарам|шығарамын)',
    'өз_білгенін',
  ]),
  r('kk', 'abuse_of_position', 1, ['балаларын']),

  r('ru', 'abuse_of_position', 2, [
    'отправля* (слесар|рабоч|сотрудник|подчинен|работник|водител)* (ремонт|строит|на дач|к себе)',
    'ремонтир* (квартир|дач|дом)* (своей|своего|сво|его|ее|жены|дочер|сына)',
  ]),
  r('kk', 'abuse_of_position', 2, ['қысым_жаса']),

  // procurement
  r('ru', 'procurement', 3, [
    'сговор',
    'однодневк',
    'определ* заранее',
    'заранее определ',
    'подогна',
    'подстро',
    'писал* под (них|него|конкретн|одн)',
  ]),
  // a tender named in a letter to the trust line is never redirect material: weak, blocks `out`
  r('ru', 'procurement', 1, ['тендер', 'закуп(?!ае|ает|аете|ки у нас)']),
  r('ru', 'procurement', 0, ['конкурс', 'техспецифик', 'спецификац']),
  r('en', 'procurement', 3, ['rigged', 'bid-rigging', 'bid_rigging', 'collusion']),
  // a supplier may well write to «your procurement team»
  r('en', 'procurement', 1, ['tender', 'procurement(?! (team|department|office|division|unit))']),
  r('en', 'procurement', 0, ['bidder', 'the_winner']),
  r('kk', 'procurement', 2, ['әділ_өтпе', 'алдын_ала_(анықта|келісі)']),
  r('kk', 'procurement', 1, ['сатып_алу', 'тендер']),
  r('kk', 'procurement', 0, ['конкурс', 'жеңімпаз']),

  r('ru', 'procurement', 3, [
    'подписан* до (окончан|подведен|итог)',
    'до_окончания_(приема|подачи)',
    'дробл* (закуп|лот)',
  ]),
  r('ru', 'procurement', 2, ['создан* (недавно|накануне)', 'созданн* (за|три|два|неделю)']),
  r('ru', 'procurement', 1, ['единственн* (участник|поставщик|источник)', 'из_одного_источника']),
  r('ru', 'procurement', 0, ['побед', 'заявк', 'лот$', 'мтс$', 'снабжен', 'тендерн']),
  r('en', 'procurement', 3, [
    'contract (was)? (awarded|signed) before',
    'before the (deadline|bids)',
    'split (contracts|purchases)',
  ]),
  r('en', 'procurement', 1, ['single_(source|bidder)']),
  r('en', 'procurement', 0, ['winner', 'bids?$', 'bidding']),
  r('kk', 'procurement', 2, ['мерзімі (біткенге|аяқталғанға) дейін']),
  r('kk', 'procurement', 0, ['жеңіп_алды', 'өтінім', 'келісімшарт']),

  r('ru', 'procurement', 1, ['не_допустил* (к|до)_(тендер|конкурс|закуп|участи)']),
  r('en', 'procurement', 1, ['disqualif', 'nobody else was invited']),
  r('en', 'kin', 0, ['used to work (in|at|for) your']),

  // other Code of Conduct violations
  r('ru', 'conduct_other', 3, ['кодекс* (поведен|этик|делов|корпоратив)', 'неэтичн']),
  r('ru', 'conduct_other', 2, [
    'пьян',
    'выпивш',
    'перегар',
    'нетрезв',
    'разглаш',
    'нахами',
    'хамит',
    'хамств',
    'обматер',
    'матер(ит|ят|ится|ился)',
  ]),
  // «незаконно начислили» is usually a billing complaint: weak, so it yields pending, never out
  r('ru', 'conduct_other', 1, [
    'незаконн',
    'неправомерн',
    'халатн',
    'этик(а|и|у|ой)$',
    'этическ',
    'груб',
    'бросил* трубку',
    'конфиденциальн',
  ]),
  r('en', 'conduct_other', 3, ['code_of_(conduct|ethics)', 'misconduct']),
  r('en', 'conduct_other', 2, [
    'drunk',
    'wrongdoing',
    'unethical',
    'rude',
    'leak* (documents|information|data|confidential)',
  ]),
  r('en', 'conduct_other', 1, ['illegal', 'unlawful', 'ethic', 'inappropriate', 'confidential']),
  r('kk', 'conduct_other', 3, ['әдеп_кодекс']),
  r('kk', 'conduct_other', 2, ['мас$', 'мас_болып', 'дөрекі', 'құпия* (жарияла|тарат)']),
  r('kk', 'conduct_other', 1, ['заңсыз', 'заңға_қайшы', 'ішімдік', 'әдеп$', 'әдепсіз']),

  r('ru', 'conduct_other', 2, [
    'пахн* (алкогол|спиртн|перегар)',
    'распива',
    'мат(ом|ами)$',
    'спит на_(работ|смен)',
    'коммерческ* тайн',
    'слива* информац',
  ]),
  r('ru', 'conduct_other', 1, ['алкогол', 'неуважительн', 'прогул']),
  r('en', 'conduct_other', 2, [
    'intoxicated',
    'unprofessional',
    'sleeping (on)? (duty|shift|the_job)',
    'trade_secret',
  ]),
  r('en', 'conduct_other', 1, ['alcohol', 'smelled_of', 'disrespect']),
  r('kk', 'conduct_other', 2, ['ішіп (алған|келеді|жүр|келді)', 'арақ']),
  r('kk', 'conduct_other', 1, ['сыйламай', 'құпия (ақпарат|мәлімет|құжат)']),

  // something wrong is said to be done: weak on its own (weight 1), or only a hint (weight 0)
  // that counts together with an employee, an accident or a tender (COMBINATIONS below)
  r('ru', 'wrong', 1, [
    'наруш(?!ени* (срок|норм|график|подач))',
    'угрож',
    'угроз',
    'грозит',
    'скрыва',
    'скрыл',
    'велел* молчать',
    'не_(составля|записыва)',
    'не_регистрир* (авари|несчаст|травм|случа)',
    'отомст',
    'месть',
  ]),
  r('ru', 'wrong', 0, ['иначе', 'завыш* цен']),
  r('en', 'wrong', 1, [
    'violat',
    'threat',
    'hid$',
    'hiding',
    'conceal',
    'abus',
    'pressured',
    'pressure on (me|us|them|staff|workers|employees)',
    'retaliat',
    'shady',
  ]),
  r('en', 'wrong', 0, ['otherwise', 'above_market']),
  r('kk', 'wrong', 1, [
    'бұз(у|ып|ады|ды|ушылық)',
    // not «атымды жасырып қала аламын ба» (may I stay anonymous), nor «жасырын»
    'жасыр(?!ын|ып қала ал)',
    'тіркеме',
    'қоқан-лоқы',
    'өш_ал',
    'әділетсіз',
  ]),
  r('kk', 'wrong', 0, ['әйтпесе', 'себепсіз']),

  r('ru', 'wrong', 1, [
    'покрыва(ет|ют)',
    'прикрыва(ет|ют)',
    'закрыва* глаза',
    'безнаказан',
    '(врет|врал|лжет|лгут|врут)$',
    'подставля',
    'не_по_закону',
    'беспредел',
    'замял',
    'замять',
    'заставил* (подписать|расписаться)',
    'расписаться,? что',
  ]),
  r('ru', 'wrong', 0, [
    'нагло',
    'нечестн',
    'несправедлив',
    'выше рыночн',
    'откло* (заявк|участник)',
    'оформ* как',
  ]),
  r('en', 'wrong', 0, ['unfair']),
  r('en', 'wrong', 1, [
    'lied',
    'or_else',
    'lying',
    'covering_for',
    'blind_eye',
    'nobody does anything',
    'forced to sign',
  ]),
  r('kk', 'wrong', 1, ['жауапсыз', 'қол қойғыз', 'күштеп']),

  r('ru', 'wrong', 1, ['не_поднимать_шум', 'нецензурн']),
  r('en', 'wrong', 1, ['ignores my complaints', 'keep_quiet']),

  // the writer hides their name or fears for themselves: people do so when reporting, not about bills
  r('ru', 'whistle', 1, [
    'аноним',
    'имя не (называ|указыва)',
    'не_называю',
    'прошу_защит',
    'боюсь (мест|увольн|последств|назва)',
  ]),
  r('en', 'whistle', 1, [
    'anonym',
    'afraid (retaliat|losing|being_fired|to_(give|say|tell))',
    'whistleblow',
    'protect_me',
  ]),
  r('kk', 'whistle', 1, ['атымды (жазба|айтпа)', 'жасырын', 'қорқамын']),

  // ---- Structure, not topics: who did what. These cues say little alone; together (COMBINATIONS)
  // they recognise "an employee or official did something wrong" (rules 4.10) in words no topic
  // list foresees. Stems: a pattern's last word is a prefix, so Russian and Kazakh endings follow.

  // the writer speaks from inside the workplace: our shop, my boss, colleagues
  r('ru', 'workplace', 0, [
    'у_нас в_(цех|бригад|отдел|смен|участк|служб|лаборатор|коллектив|подразделен|гараж)',
    'в_(нашем|нашей|моем|моей)_(цех|бригад|отдел|смен|участк|служб|коллектив|подразделен)',
    'наш* (цех|бригад|отдел|смен|участк|мастер|начальник|бригадир|руководител|коллектив|шеф)',
    'мо(й|его|ему|им|я|ей) (непосредственн*)? (начальник|руководител|мастер|бригадир|шеф|начальниц)',
    'коллег',
    'подчиненн',
    'на_(работе|смене)$',
    'в_(ночн|дневн)* смен',
    'работаю (в|на)_',
  ]),
  r('en', 'workplace', 0, [
    'our (team|shift|crew|department|unit|section|workshop|site|brigade|foreman|boss|supervisor|manager|team_lead|head)',
    'my (boss|supervisor|manager|team_lead|line_manager|foreman|superior|department)',
    'colleague',
    'co-?workers?',
    'at_work$',
    '(night|day) shifts?',
    'subordinate',
    'i work (at|in|for)',
  ]),
  r('kk', 'workplace', 0, [
    'біздің (цех|бөлім|бригада|учаске|участок|ұжым|ауысым|бастық|бастығ|шебер|басшы)',
    '(бастығ|басшы|шебер)(ымыз|ым|ыңыз)$',
    'ұжым',
    'әріптес',
    'жұмыста$',
    'ауысым',
    'жұмысшылар',
  ]),

  // money changes hands: an amount or cash, and someone takes, collects or asks for it
  r('ru', 'money', 0, [
    '\\d[\\d.,]{0,12}\\s?(тыс|млн|тг|тенге|теңге|мың|%|процент)',
    'полмиллион',
    'деньг',
    'денег',
    'сумм',
  ]),
  r('en', 'money', 0, ['\\d[\\d.,]{0,12}\\s?(tenge|kzt|tg|usd|%|percent)', 'money']),
  r('kk', 'money', 0, ['ақша', 'теңге']),
  r('ru', 'cash', 0, ['наличн', 'нал(ом|ичкой)$', 'в_конверт', 'на_карту (ему|ей|лично)']),
  r('en', 'cash', 0, ['in_cash', 'cash (only|in hand|payment to)', 'envelope']),
  r('kk', 'cash', 0, ['қолма-қол', 'конверт', 'қолға (бер|ал)']),
  r('ru', 'take', 0, [
    'бер(ет|ут|ет)$',
    'брал(а|и)?$',
    'собира(ет|ют|л|ли)$',
    'сда(ем|ют|ть|вать|вали)$',
    'сдаем',
    'отдава(ть|ли|л)$',
    'занос(ить|ят|ил)$',
    'требу(ет|ют)',
    'прос(ит|ят|ил|ила|или)$',
    'с_каждого',
    'с_(нас|рабочих|работников|людей)$',
  ]),
  r('en', 'take', 0, [
    'takes?$',
    'took',
    'expects?',
    'expected',
    'collects?',
    'collected',
    'demand',
    'asks? (me|us|them|for)',
    'from (each|every|everyone|all of us)',
    'wants? (money|cash|a_cut|\\d)',
  ]),
  r('kk', 'take', 0, [
    'алады$',
    'алып (отыр|жүр|қалады)',
    'жина(йды|п|ды|ған)',
    'сұра(йды|ды|п|ған)',
    'талап (етеді|етті|етіп)',
    'әр (жұмысшы|қызметкер|адам)',
    'тапсыр(амыз|ады|дық)',
  ]),

  // who is protected from discrimination: sex, ethnicity, language, age, faith, health
  r('ru', 'protected', 0, [
    'женщин',
    'баб(ы|а|ам|е)$',
    'национальн',
    'казахск* язык',
    'по-казахски',
    'акцент',
    'возраст',
    'инвалид',
    'беремен',
    'религ',
    'хиджаб',
  ]),
  r('en', 'protected', 0, [
    'wom(a|e)n$',
    'female',
    'accent',
    'ethnic',
    'race$',
    'religio',
    'disab',
    '(kazakh|russian)-speaking',
    'nationality',
    'pregnan',
  ]),
  r('kk', 'protected', 0, ['әйел', 'қыздар', 'ұлт', 'тіл(і|де|ін|імізді)?$', 'мүгедек', 'дін']),

  // someone owns or founded a firm; someone was hired or appointed
  r('ru', 'owns', 0, ['владел', 'владе(ет|ют)', 'учредител', 'принадлеж', 'аффил']),
  r('en', 'owns', 0, ['owns?$', 'owner', 'founder', 'belongs to', 'shareholder of']),
  r('kk', 'owns', 0, ['иесі', 'құрылтайшы', 'тиесілі']),
  r('ru', 'hire', 0, [
    '(устроил|устроила|устраива|пристроил|трудоустроил)',
    '(взял|взяла|взяли|принял|приняла|приняли)_на_(работу|должност)',
    'назначил',
  ]),
  r('en', 'hire', 0, ['hired', 'hires', 'appointed', 'promoted', 'gave (a|the) job']),
  r('kk', 'hire', 0, ['жұмысқа (алды|алған|орналастыр|қабылда)', 'тағайында']),
  r('ru', 'kin', 0, ['супруг', 'друг(а|у|ом)?$', 'подруг', 'знаком(ый|ая|ого|ому|ой|ые|ых)$']),
  r('en', 'kin', 0, ['friends?$', 'daughter', 'son$', 'wife', 'husband', 'niece', 'family']),
  r('kk', 'kin', 0, ['досы', 'досына', 'таныс(ы|ын|тары)', 'жұбайы', 'қызын', 'ұлын']),

  // more wrong acts, said of people: silencing, coercing, faking, retaliating
  r('ru', 'wrong', 1, [
    'молчать',
    'помалкива',
    'угов(о|а)ри',
    'нарисова',
    'для_галочк',
    'только на_бумаге',
    'не_выход(ил|ит) из_кабинет',
    'вылет* с_работ',
    'выгон(ю|ит|ят|им)',
    'уволят',
    'наказыва',
    'после того как (я|мы) (сообщ|пожалов|отказ|написа)',
    'недоплач',
    'не_доплачива',
    'сверх* без_оплат',
    'бесплатно работать',
    'без_оплаты',
  ]),
  r('en', 'wrong', 1, [
    '(was|were) told (not to|to keep)',
    'not to (mention|tell|report)',
    'disabled (the)? (alarm|protection|interlock|sensor|safety)',
    'after (i|we) (reported|complained|refused)',
    'nothing (was|has been) (done|renovated|repaired|built|replaced)',
    'on_paper',
    'without_(checking|inspection|looking)',
    'make (the|my|your)? (debt|fine|problem)s? (disappear|go_away)',
  ]),
  r('kk', 'wrong', 1, [
    'айтпа(ңдар|ңыз|уды|уын)',
    'үндеме',
    'деп айт(у|уды|уын)* (талап|мәжбүр)',
    'келмесең',
    'жұмыстан (шығар|қуа|қу)',
    'тегін (жұмыс|істет)',
    'жазаланады',
    'сыртқа сат',
    'сатып жібер',
  ]),

  // category phrases in plain words (no legal term): kept with the cues they grew from
  r('ru', 'corruption', 2, [
    '(если|чтобы) (я)? (ее|его|их)? [«"“]?отблагодар',
    '\\d+ ?% (от|с)_(суммы|договор|контракт)',
  ]),
  r('en', 'corruption', 2, ['\\d+ ?% back', 'back in_cash']),
  r('ru', 'fraud', 2, [
    'числ(ится|ятся|ились|ился)_в_(табел|штат|ведомост)',
    'ни_разу не_видел',
    'прода(ет|ют|ли|л) на_сторону',
    '(уносят|уносит|увозят|увозит|тащат|тащит) (домой|себе)',
  ]),
  r('en', 'fraud', 2, [
    '(takes|took|taking|carries|carry) * home',
    'sells? (it|them)? (off|on the side)',
    '(paid|claimed|billed) for (people|workers|staff|someone) who',
    'were (on vacation|on leave|abroad)',
  ]),
  r('kk', 'fraud', 2, ['үйіне (алып|тасып)', 'жұмысқа (келмейді|шықпайды)* (бірақ|алайда)']),
  r('ru', 'harassment', 2, [
    'не_место$',
    'недвусмысленн',
    'намека* (на_)?(близост|интим|отношен|встреч|ужин)',
    'от_этого_зависит',
    'стукач',
    'ябед',
    'довел* до_слез',
    'до_слез',
  ]),
  r('en', 'harassment', 2, [
    'snitch',
    'won.t (speak|talk) to me',
    'left out of',
    'makes? jokes about',
  ]),
  // violence in plain verbs
  r('ru', 'harassment', 2, ['избива', 'бьют', 'ударил', 'толка(ет|ют|л)', 'распуска* рук']),
  r('en', 'harassment', 2, [
    'beat(s|ing)? (me|us|him|her|them|workers|people)',
    'punch',
    'slapped',
    'pushed (me|him|her)',
  ]),
  r('kk', 'harassment', 2, [
    'ұрып',
    'ұрады',
    'ұрған',
    'соғ(ады|ып|ты)',
    'төбелес',
    'итер(ді|іп|еді|ген)',
    'қол көтер',
  ]),
  r('ru', 'conflict_of_interest', 1, [
    'владе* (подрядн|фирм|компани|тоо|организац)',
    '(подрядн|фирм|компани|тоо)* (принадлеж|оформлен)',
  ]),
  r('en', 'conflict_of_interest', 1, [
    'owns (the|a) (contractor|company|firm|supplier)',
    '(contractor|company|firm|supplier) (is)? owned by',
  ]),
  r('kk', 'conflict_of_interest', 1, ['(фирма|компания|серіктестік)* (иесі|тиесілі)']),
  r('kk', 'harassment', 2, ['жылат', 'ит (сияқты|сиякты|құрлы)', 'адам деп санама', 'ұялт']),
  r('ru', 'safety', 2, [
    'отключ* (защит|сигнализац|датчик|блокировк)',
    'угов(о|а)рил* (написать|сказать)',
    '(обжегся|упал|травмировал*|поранил*) дома',
  ]),
  r('en', 'safety', 2, [
    '(disabled|switched off|turned off) (the)? (alarm|protection|interlock|sensor)',
  ]),
  r('kk', 'safety', 2, [
    'каскасыз',
    'қорғаныс киімсіз',
    'сақтандырусыз',
    'үйде жығыл',
    'үйде (құлад|жарақат)',
  ]),
  r('ru', 'abuse_of_position', 2, [
    'на_(свою|его|её|ее)_дач',
    'частн* (бизнес|ресторан|магазин|кафе)',
  ]),
  r('en', 'abuse_of_position', 2, [
    '(his|her) (private|own) (restaurant|business|shop|company|farm)',
  ]),
  r('kk', 'abuse_of_position', 2, [
    'саяжай',
    'өз(інің|і)? (үйіне|шаруасына|бизнесіне)',
    'премиясыз',
  ]),
  r('ru', 'procurement', 2, [
    'под_(одну|одного|конкретн|нужн)* (фирм|компани|поставщик|участник)',
    'отклон* по_формальн',
    'остальн* (участник|поставщик)* (отклон|не_допущ)',
  ]),
  r('en', 'procurement', 2, [
    'no (realistic|real|fair)? chance',
    'copied (word for word)? from',
    'the_["\'‘“]right["\'’”]_(bidder|company|firm|supplier)',
    'cancell?ed (twice|again|several times|repeatedly)',
    'tailored (to|for)',
  ]),
  r('kk', 'procurement', 2, ['нәтижесі (белгілі|алдын)', 'конверттер ашылмай']),
  r('ru', 'conduct_other', 2, ['наркот', 'укур', 'обкур', 'еле стоял']),
  r('en', 'conduct_other', 2, [
    'smok(ing|ed) (weed|something|drugs|marijuana)',
    'drugs',
    'high on',
  ]),
  r('kk', 'conduct_other', 2, ['есірткі', 'мас күй']),

  // an employee or official is mentioned (weight 0: counts only in COMBINATIONS)
  r('ru', 'actor', 0, [
    'сотрудник',
    'работник',
    'начальник',
    'начальств',
    'мастер',
    'прораб',
    'бригадир',
    'директор',
    'замдиректор',
    'заместител',
    'руководител',
    'руководств',
    'бухгалтер',
    'кладовщ',
    'завхоз',
    'контролер',
    'инспектор',
    'табельщ',
    'инженер',
    'диспетчер',
    'кадровик',
    'отдел_кадров',
    'менеджер',
    'член* правлен',
    'председател',
    'водител',
    'кассир',
  ]),
  r('en', 'actor', 0, [
    'employee',
    'staff',
    'manager',
    'supervisor',
    'foreman',
    'director',
    'head_of',
    'official',
    'board_member',
    'member of the (management|board)',
    'inspector',
    'controller',
    'team_lead',
    'boss',
    'engineer',
    'someone_in_hr',
    'accountant',
  ]),
  r('kk', 'actor', 0, [
    'қызметкер',
    'жұмыскер',
    'бастық',
    'бастығ',
    'басшы',
    'шебер',
    'бригадир',
    'директор',
    'бақылаушы',
    'инспектор',
    'қоймашы',
    'есепші',
    'басқарма_мүшесі',
    'лауазымды',
    'basty(k|q)',
    'basshy',
    '(k|q)yzmetker',
  ]),
  r('ru', 'actor', 0, [
    'начальниц',
    'сотрудниц',
    'работниц',
    'охран',
    'вахтер',
    'главн* (инженер|бухгалтер)',
    'зав(отдел|склад|цех|хоз)',
    'заведующ',
    'должностн* лиц',
    'оператор',
    'экономист',
    'юрист',
    'комисси',
  ]),
  r('en', 'actor', 0, [
    'guards?$',
    'security',
    'department_head',
    'clerk',
    'dispatcher',
    'operator',
    'workers?$',
    'colleague',
    'meter_reader',
    'your_(people|man|guy|guys|staff)',
  ]),
  r('kk', 'actor', 0, ['кадр* бөлім', 'кассир', 'орынбасар', 'жүргізуші', 'кезекші']),
  r('kk', 'actor', 0, ['күзет', 'меңгеруші', 'инженер', 'әріптес', 'басқарушы']),

  // gratitude in quotes or expected of the writer is a bribe («нужна благодарность мастеру»);
  // gratitude said to staff is a thank-you letter (NOTE_RULES `thanks`)
  r('ru', 'corruption', 1, ['[«"“„]благодарн', '[«"“„]спасиб']),
  r('ru', 'corruption', 2, [
    '(нужн*|надо|должн*|требу*|жд(ет|ут)|ожида*|прос(ит|ят|ил|ила|или)|намека*|намекн*) благодарн',
  ]),
  r('en', 'corruption', 1, [
    '["“«]thank',
    '(expects?|expected|demands?|demanded) (thank|gratitude)',
  ]),
  r('kk', 'corruption', 1, ['[«"“„](алғыс|рахмет)', 'алғыс* (күт|сұра|талап)*']),
  // a favour in kind for an official act: a trip, a holiday, a dinner paid for, «in exchange for»
  r('ru', 'corruption', 3, [
    'в_обмен_на (продлен*|подпис*|пропуск*|допуск*|разрешен*|согласован*|закрыт*|выдач*|прием*|акт*)',
    'оплат(ить|ил|ила|или|ит|ят)_(ему|ей|им|лично) (поездк*|отдых*|путевк*|билет*|отпуск*|ремонт*|ужин*|банкет*|тур*)',
  ]),
  r('ru', 'corruption', 1, ['в_обмен_на']),
  r('en', 'corruption', 3, [
    'pay for (his|her|their) (trip|holiday|vacation|tickets|dinner|renovation|hotel)',
    'in_exchange_for (renewing|extending|signing|issuing|passes|permits|approval|the_permit|the_pass)',
  ]),
  r('en', 'corruption', 1, ['in_exchange_for']),
  r('kk', 'corruption', 3, ['(сапар*|демалыс*|жолдама*|билет*) (төле*|төлеу*)_(талап|сұра)*']),
  r('kk', 'corruption', 1, ['есесіне', 'айырбас']),
  // money for work or a meter without a receipt goes into someone's pocket
  r('ru', 'corruption', 1, ['без_(квитанц*|чек(а|ов)?$)']),
  r('en', 'corruption', 1, ['without_(a_)?receipt', 'no_receipt']),
  r('kk', 'corruption', 1, ['түбіртексіз', 'чексіз']),
  r('ru', 'actor', 0, ['электрик', 'электромонт', 'монтер']),
  r('en', 'actor', 0, ['electrician', 'lineman', 'technician']),
  r('kk', 'actor', 0, ['электрик', 'электромонтер']),

  // sexual advances: touching, an invitation home, a career that «depends on how friendly I am»
  r('ru', 'harassment', 3, [
    'насколько (любезн*|сговорчив*|дружелюбн*|покладист*|ласков*)',
    'пригла(шал|шает|сил)* (к_себе|домой|в_гости|в_(свою|его|ее)_квартир|на_ужин)',
  ]),
  r('ru', 'harassment', 2, ['трога(ет|л|ют)_(меня|мою|мое|за)', 'прикаса(ется|лся)_ко_мне']),
  r('ru', 'harassment', 1, ['(закрыва|запира)* (дверь|кабинет)', 'оставаться после работы']),
  r('en', 'harassment', 3, [
    'invited (me|her) to (his|her) (apartment|flat|house|home|place|hotel|room)',
    'how (friendly|nice|accommodating|cooperative) (i|she) (am|is|will_be)',
  ]),
  r('en', 'harassment', 2, ['touch(es|ed|ing)?_(me|her|my)']),
  r('en', 'harassment', 1, ['(closes|closed|locks|locked)_the_door', 'stay after (work|hours)']),
  r('kk', 'harassment', 3, ['(денеме|денесіне|тәніме) қол (тигіз*|тиг*|сал*)', 'үйіне шақыр*']),
  r('kk', 'harassment', 2, ['қол (тигіз*|салады|салды)']),
  r('kk', 'harassment', 1, ['есікті (жаб*|құлыпта*)']),

  // work paid for and never done: invoices, acts, timesheets
  r('ru', 'fraud', 2, [
    'фактически не_(выполн*|провод*|дела*|постав*)',
    'невыполненн* работ',
    'акт* (на|за)_(невыполн*|несуществ*)',
  ]),
  r('en', 'fraud', 1, ['never_(done|performed|carried_out|completed|delivered)']),
  r('en', 'fraud', 0, ['invoic* (work|works|earthwork*|repair*|services?)']),
  r('kk', 'fraud', 2, ['(орындалмаған|жасалмаған) (жұмыс*|жұмыстар*)']),

  // a near miss (a fire nearly broke out) and management that knows and does nothing
  r('ru', 'safety', 2, [
    '(чуть|едва) не_(случил*|произош*|начал*|загорел*|сгорел*|взорвал*)',
    'на_грани (пожар*|авари*|взрыв*)',
  ]),
  r('en', 'safety', 2, [
    '(nearly|almost) (caused|started|had) a_(fire|explosion|accident)',
    '(nearly|almost) (caught_fire|exploded|burned_down)',
  ]),
  r('kk', 'safety', 2, ['(өрт|апат|жарылыс)* (шыға|бола) жазда*']),
  r('ru', 'wrong', 1, ['не_принима* (мер|никаких)']),
  r('en', 'wrong', 1, ['(takes|took|taking) no action', 'no action (is|was|has been) taken']),
  r('kk', 'wrong', 1, ['шара қолданба*']),
];

// rules 4.10: "advised where to turn with the matter they raised"
export const OUT_RULES: readonly KeywordRule[] = [
  // electricity bills and meters
  r('ru', 'billing', 2, [
    'квитанц',
    'счетчик',
    'счет* (за|по) (свет|электр)',
    'перерасчет',
    'лицев* сч',
    'начислен',
    'начисля',
    'задолженн',
    'переплат',
    'прибор* учет',
    'выставл* сч',
  ]),
  r('ru', 'billing', 1, [
    'сч(ет|ета|ете|етом)$',
    'показани',
    'оплат',
    'оплачива',
    'долг',
    'абонент',
    'квт',
    'kaspi',
    'платеж',
  ]),
  r('en', 'billing', 2, [
    'bill(s|ed|ing)?$',
    'overcharg',
    'charged',
    'meter',
    'refund',
    'account number',
    'paid twice',
    'invoice for electricity',
  ]),
  r('en', 'billing', 1, ['payment', 'reading', 'kwh', 'debt']),
  // «төлемейді» (does not pay) is about wages as often as bills
  r('kk', 'billing', 2, ['түбіртек', 'есептегіш', 'қайта есепте', 'төлем(?!ей)', 'дербес шот']),
  r('kk', 'billing', 1, ['көрсеткіш', 'қарыз', 'төледі', 'төлеймін', 'төлейміз']),

  r('ru', 'billing', 2, ['энергосбыт', 'пен(я|и|ю)$', 'акт сверк']),
  r('ru', 'billing', 1, ['сверк', 'оплачен']),
  r('en', 'billing', 1, ['account$', 'receipt', 'statement', 'balance']),
  r('kk', 'billing', 2, ['энергосбыт']),
  r('kk', 'billing', 1, ['шот(ы|қа|тан)?$']),

  r('en', 'billing', 1, ['in installments', 'pay in parts']),
  r('ru', 'billing', 1, ['оплатить частями', 'рассрочк', 'сумма за']),

  // heating and hot water
  r('ru', 'heating', 2, [
    'отоплен',
    'отопительн',
    'батаре',
    'горяч* вод',
    'гвс',
    'теплосет',
    'тепловы* сет',
    'гидравлическ* испыт',
    'опрессовк',
    'ржав* вод',
    'теплоснабж',
  ]),
  r('ru', 'heating', 1, [
    'горяч',
    'давлени* вод',
    'тепло',
    'градус',
    'стояк',
    'холодн* (квартир|дом)',
    'кск',
  ]),
  r('en', 'heating', 2, ['heating', 'hot water', 'radiator', 'heat supply', 'district heat']),
  r('en', 'heating', 1, ['cold flat', 'cold apartment', 'freezing', 'ice cold']),
  r('kk', 'heating', 2, ['жылу', 'жылыт', 'ыстық су', 'батарея']),
  r('kk', 'heating', 1, ['суық', 'тоңып']),

  r('ru', 'heating', 2, ['радиатор', 'нет_тепла', 'холодно (в|дома|квартир)']),
  r('ru', 'heating', 1, ['холодн', 'профилактик', 'опрессов']),
  r('en', 'heating', 2, ['no_heat', 'heat_(is|was)_off']),
  r('en', 'heating', 1, ['heat$', 'cold$', 'warm', 'maintenance (shutdown|works)']),
  r('kk', 'heating', 1, ['ыстық', 'радиатор', 'жылы емес']),

  r('kk', 'heating', 1, ['жылу жүйесі']),

  // power outages and grid connection
  r('ru', 'outage', 2, [
    'отключ',
    'нет света',
    'без света',
    'свет* (дали|нет|отключ|пропал)',
    'электросет',
    'подключ',
    'техническ* услов',
    'обесточ',
    'напряжени',
    'алатау жарык',
    'ажк',
  ]),
  r('ru', 'outage', 1, ['сгорел', 'перепад', 'трансформатор', 'мига', 'скачет', 'электричеств']),
  r('en', 'outage', 2, [
    'outage',
    'power cut',
    'blackout',
    'no (power|electricity|light)',
    'grid connection',
    'connect* to the grid',
    'technical (conditions|specifications)',
    'flicker',
    'voltage',
  ]),
  r('en', 'outage', 1, ['connection', 'transformer', 'lights', 'power']),
  r('kk', 'outage', 2, [
    'жарық* жоқ',
    'электр желі',
    'өшір',
    'техникалық шарт',
    'кернеу',
    'сөнді',
    'қосылу',
  ]),
  r('kk', 'outage', 1, ['жарық', 'қосыл']),

  r('ru', 'outage', 2, [
    'лэп$',
    'лини* электропередач',
    'опор* (лэп|освещ|лини|электр)',
    'электроснабж',
    '(нет|без)_(электричеств|электроэнерги|энергии)',
    'перенос* опор',
    'обрыв* провод',
  ]),
  r('ru', 'outage', 1, ['столб', 'провод', 'обрыв', 'искр', 'подстанц', 'фаз(а|у|ы)$']),
  r('en', 'outage', 2, [
    'without_(electricity|power|light|lights)',
    'power_line',
    'electricity_supply',
    'power (went|goes|is) (off|out|down)',
  ]),
  r('en', 'outage', 1, ['pole', 'wires?$', 'substation', 'restor']),
  r('kk', 'outage', 2, ['жарықсыз', 'электр (жоқ|сөнді|өшті|берілмей)', 'электрмен жабдықта']),
  r('kk', 'outage', 1, ['бағана', 'сым(ы|дар)?$', 'қосалқы станция']),

  r('en', 'outage', 2, ['street_lights?', 'went_dark', 'new_connection']),
  r('en', 'outage', 1, ['electricity']),
  r('ru', 'outage', 1, ['урага', 'гроз(а|ы)$', 'снт$']),
  r('ru', 'outage', 2, [
    '(пропада|гасн|выключа|отключа)* свет',
    'свет (пропада|гасн|выключа|мига)',
  ]),
  r('ru', 'outage', 1, ['свет$']),

  // tariffs
  r('ru', 'tariffs', 3, ['тариф']),
  r('ru', 'tariffs', 2, ['подорож', 'дифференцир', 'поднял* цен', 'повыш* цен']),
  r('ru', 'tariffs', 1, ['льгот']),
  r('en', 'tariffs', 3, ['tariff']),
  r('en', 'tariffs', 2, ['price (increase|rise|hike)', 'rate (increase|hike)', 'prices went up']),
  r('kk', 'tariffs', 2, ['қымбатта', 'бағасы өс']),
  r('kk', 'tariffs', 1, ['жеңілдік']),

  r('ru', 'tariffs', 2, [
    'цен* за_(квт|киловатт|кубомет|гигакал|гкал|электроэнерг|свет|тепло)',
    'стоимост* (квт|киловатт|электроэнерг|гкал|тепл|свет)',
    'почему так дорого',
  ]),
  r('ru', 'tariffs', 1, ['киловатт', 'гкал', 'юрлиц', 'физлиц', 'юридическ* лиц', 'дорого']),
  r('en', 'tariffs', 2, [
    '(price|cost|rate) per (kwh|kilowatt|unit)',
    'cost of (electricity|heat)',
  ]),
  r('en', 'tariffs', 1, ['expensive', 'per_kwh']),
  r('kk', 'tariffs', 1, ['бағасы', 'құны', 'қымбат']),

  r('ru', 'tariffs', 2, ['гигакалори', '(выросл|вырос|растет|поднял)* (цен|стоимост|тариф)']),
  r('ru', 'tariffs', 1, ['стоимост', 'из чего складыва']),

  // vacancies and CVs
  r('ru', 'jobs', 3, ['ваканс', 'резюме']),
  r('ru', 'jobs', 2, [
    'ищу работу',
    'трудоустр',
    'устроиться',
    'принять на работу',
    'возьмите на работу',
    'производственн* практик',
    'стажировк',
  ]),
  r('ru', 'jobs', 1, ['анкет', 'выпускник', 'опыт работы', 'группа допуска', 'набор', 'практик']),
  r('en', 'jobs', 3, ['vacanc', 'cv$', 'résumé']),
  r('en', 'jobs', 2, [
    'apply_for',
    'hiring',
    'intern(s|ship|ships)?$',
    'career',
    'job_opening',
    'looking for a_job',
  ]),
  r('en', 'jobs', 1, ['position', 'years of experience', 'job$', 'graduate', 'resume$']),
  r('kk', 'jobs', 3, ['бос (орын|жұмыс)', 'түйіндеме', 'жұмысқа орналас']),
  r('kk', 'jobs', 2, ['жұмыс (бар ма|іздеп|керек)', 'жұмысқа (ал|тұр)ғым', 'тәжірибем']),
  r('kk', 'jobs', 1, ['тәжірибе', 'маман']),

  r('ru', 'jobs', 2, [
    'хочу работать',
    'примите на работу',
    'прием* на работу',
    'собеседован',
    'работать у вас',
  ]),
  r('ru', 'jobs', 1, ['диплом', 'специальност', 'возьмете']),
  r('en', 'jobs', 2, [
    'job_(application|opening|offer)',
    'work (for|at) (you|ales|your company)',
    'my (cv|resume)',
    'recruit',
  ]),
  r('en', 'jobs', 1, ['employment', 'graduated']),
  r('kk', 'jobs', 2, ['жұмысқа (қабылда|алыңыз|аласыз|алсаңыз)', 'жұмыс істегім келеді']),
  r('kk', 'jobs', 1, ['мамандығы', 'бітірдім', 'құжаттарымды']),

  r('en', 'jobs', 2, ['openings', 'do you have (any)? (openings|positions|vacancies)']),
  r('kk', 'jobs', 3, ['өндірістік практика']),
  r('kk', 'jobs', 1, ['студент', 'практика']),
  r('en', 'jobs', 1, ['years (in|of) ']),

  // commercial offers, suppliers offering services
  r('ru', 'commercial', 3, [
    'коммерческ* предложен',
    'предлага* (услуг|поставк|сотруднич|продукц|товар|оборудован)',
    'прайс',
  ]),
  r('ru', 'commercial', 2, [
    'предлагаем',
    'сотрудничеств',
    'каталог',
    'дилер',
    'дистрибьют',
    'стать (вашим)? поставщик',
  ]),
  r('ru', 'commercial', 1, ['поставщик', 'поставк', 'наша компания', 'наша фирма', 'выгодн']),
  r('en', 'commercial', 3, [
    'commercial (offer|proposal)',
    'offer (our|you)',
    'catalogue',
    'catalog$',
    'price list',
  ]),
  r('en', 'commercial', 2, [
    'partnership',
    'cooperation',
    'manufacturer',
    'we (provide|supply|offer|deliver)',
    'schedule a demo',
    'distributor',
  ]),
  r('en', 'commercial', 1, ['demo$', 'pricing', 'solutions', 'supplier', 'our products']),
  r('kk', 'commercial', 3, ['коммерциялық ұсыныс', 'ынтымақтаст']),
  r('kk', 'commercial', 2, ['ұсынады', 'ұсынамыз', 'жеткізу']),
  r('kk', 'commercial', 1, ['біздің компания', 'серіктес']),

  r('ru', 'commercial', 2, ['поставля(ем|ет)', 'производим', 'презентац']),
  r('ru', 'commercial', 1, ['производител', 'скидк', 'реклам']),
  r('en', 'commercial', 3, ['become (your|a) (supplier|partner|vendor)']),
  r('en', 'commercial', 2, [
    'we (manufacture|produce|specialize|distribute)',
    'quotation',
    'services to your company',
  ]),
  r('en', 'commercial', 1, [
    'greetings from',
    'certificates',
    'prices',
    'discount',
    'our company',
    'products',
  ]),
  r('kk', 'commercial', 2, ['өндіреміз', 'жеткіземіз']),
  r('kk', 'commercial', 1, ['бағалар', 'өнімдер']),

  // requests for information
  r('ru', 'information', 2, [
    'час* (приема|работы)',
    'где (можно)? (найти|посмотреть|узнать)',
    'годов* отчет',
    'экскурси',
    'дипломн',
    'реферат',
    'курсов* работ',
    'получить (данные|информацию|сведения)',
    'сколько (вырабат|производ)',
  ]),
  r('ru', 'information', 1, [
    'подскажите',
    'адрес',
    'данные о',
    'информаци',
    'выработк',
    'акционер',
    'к кому обратиться',
  ]),
  r('en', 'information', 2, [
    'where can i find',
    'annual report',
    'school project',
    'opening hours',
    'excursion',
    'site visit',
    'how much (electricity|power|energy)',
  ]),
  r('en', 'information', 1, [
    'could you tell',
    'shareholder',
    'information',
    'address',
    'statistics',
  ]),
  r('kk', 'information', 2, ['жылдық есеп', 'қайдан (табу|алу|білу)', 'мектеп жоба', 'қай жылы']),
  r('kk', 'information', 1, ['ақпарат', 'қанша', 'мекенжай']),
  r('ru', 'information', 2, [
    'установленн* мощност',
    'на каком топлив',
    'в каком году',
    'когда (был)? построен',
    'телефон* (приемн|канцеляр)',
    'реквизит',
  ]),
  r('ru', 'information', 1, [
    'мощност',
    'истори',
    'статистик',
    'контакт',
    'какая',
    'какой',
    'сколько',
  ]),
  r('en', 'information', 2, [
    'installed capacity',
    'what fuel',
    'when was * built',
    'contact details',
  ]),
  r('en', 'information', 1, ['capacity', 'how many', 'history', 'phone number', 'bank details']),
  r('kk', 'information', 2, ['қандай отын', 'байланыс телефон']),
  r('kk', 'information', 1, ['қуаты', 'деректер', 'қандай']),
  r('ru', 'information', 1, ['узнать', 'сведени']),
  r('en', 'information', 2, [
    'financial statements',
    'stock exchange',
    'i would like to know',
    "i'd like to know",
  ]),
  r('kk', 'information', 1, ['мәлімет', 'студенттік', 'білгім келеді']),
  // the press, archives, certificates of employment
  r('ru', 'information', 2, ['корреспондент', 'журналист', 'редакци', 'интервью', 'справк']),
  r('ru', 'information', 1, ['архив', 'выброс', 'газет', 'стаж$']),
  r('en', 'information', 2, ['journalist', 'reporter', 'press office', 'interview', 'article']),
  r('en', 'information', 1, ['media', 'newspaper', 'emissions', 'certificate of employment']),
  r('kk', 'information', 2, ['журналист', 'анықтама', 'сұхбат', 'статистика']),
  r('kk', 'information', 1, ['мұрағат', 'газет', 'дипломдық']),

  // seminars, trainings and conferences sold to the Company (their titles are masked: MASKS)
  r('ru', 'commercial', 3, [
    'приглаша* (на|к_участию_в) (семинар|тренинг|вебинар|курс|конференц|форум|мастер-класс|обучен)',
  ]),
  r('ru', 'commercial', 2, ['стоимост* участия', 'выда(ется|ем) сертификат']),
  r('ru', 'commercial', 1, ['семинар', 'тренинг', 'вебинар', 'регистрац* (по|на)']),
  r('en', 'commercial', 3, [
    'invite (you|your) to (our|a|the|an) (seminar|training|webinar|course|conference|masterclass)',
  ]),
  r('en', 'commercial', 2, ['(registration|participation|attendance) fee', 'early_bird']),
  r('en', 'commercial', 1, ['seminar', 'webinar', 'register (now|at|by|here)']),
  r('kk', 'commercial', 3, ['(семинар|тренинг|вебинар|конференция|курс)* шақырамыз']),
  r('kk', 'commercial', 2, ['қатысу (құны|бағасы|ақысы)']),
  r('kk', 'commercial', 1, ['семинар', 'тренинг', 'тіркелу']),

  // a copy of a document: the Code of Conduct, the rules, a policy (the document's name is masked)
  r('ru', 'information', 2, [
    '(предостав*|высла*|выслат*|направ*|присла*) копи',
    '(копи*|текст*|экземпляр*)_(кодекс|правил|политик|положен|устав)',
  ]),
  r('ru', 'information', 1, ['исследован']),
  r('en', 'information', 2, ['cop(y|ies)_of (code|rules|policy|policies|charter)']),
  r('en', 'information', 1, ['research', 'send (me|us) (a|the)']),
  r('kk', 'information', 2, ['көшірме']),
  r('kk', 'information', 1, ['зерттеу']),

  // electricity stolen by consumers (neighbours, a garage): the supplier's matter, not an employee's
  r('ru', 'billing', 3, ['(помимо|в_обход|мимо)_(счетчик|прибор* учет)', 'самовольн* подключ']),
  r('en', 'billing', 3, ['(bypass*|around) the_meter', 'illegal* (connected|connection|hook*)']),
  r('kk', 'billing', 3, ['есептегіш* (айналып|айналдырып|қоспай)', 'заңсыз қосыл']),
];

/**
 * Notes on the kind of letter (NOTE_CUES): evidence of neither scope, read by triage.ts. A letter
 * that only thanks the staff names them (actor, workplace) and says nothing wrong: it is not a case,
 * and the classifier, which learnt that staff named in a short letter mean a case, is not asked.
 * A wrongdoer outside AlES (rules 4.10: «employees and officials» of the Company) makes a letter
 * that names no employee a matter for the Ombudsman to decide, not a case.
 */
export const NOTE_RULES: readonly KeywordRule[] = [
  r('ru', 'thanks', 0, [
    'выра(жаю|жаем|зить|зил|зила|зили) (благодарн|признательн)',
    'благодар(ю|им|ность|ности|ностью) (бригад|сотрудник|коллектив|работник|мастер|персонал|специалист|диспетчер|электрик|монтер|инженер|энергетик|служб|ребят|всех)',
    'спасибо (бригад|сотрудник|коллектив|работник|мастер|персонал|специалист|диспетчер|электрик|монтер|инженер|энергетик|ребят|вашим|вашему|всем)',
    'за_(быстр*|качествен*|оперативн*|хорош*|отличн*|профессиональн*|слаженн*|добросовестн*|четк*) (работ*|помощ*|реакци*|организаци*|ремонт*)',
    '(побольше|больше)_бы_таких',
    'благодарственн',
  ]),
  r('en', 'thanks', 0, [
    '(want|would_like|wish|like)_to_(thank(?!_(you_)?in_advance)|express_(my|our)_(gratitude|appreciation|thanks))',
    'thank (the|your|all the) (team|staff|crew|engineers|workers|employees|brigade|dispatchers?|technicians?|electricians?|people|guys|specialists)',
    '(thanks|gratitude|grateful) to (the|your) (team|staff|crew|engineers|workers|employees|brigade|dispatchers?|technicians?|electricians?|people)',
    'for the (excellent|great|quick|fast|professional|prompt|outstanding) (work|job|organi[sz]ation|help|service|response|repair)',
    'keep up the good work',
  ]),
  r('kk', 'thanks', 0, [
    'алғыс* (айт*|білдір*)',
    'рахмет айт',
    'ризашылы',
    '(мамандар|адамдар) көп болсын',
    '(бригада*|ұжым*|қызметкер*|шебер*|маман*|жұмысшы*) (алғыс|рахмет)',
  ]),
  r('ru', 'contrast', 0, ['но$', 'однако', 'а_вот', 'к_сожалению', 'тем_не_менее', 'только_вот']),
  r('en', 'contrast', 0, ['but$', 'however', 'unfortunately', 'although', 'though$']),
  r('kk', 'contrast', 0, ['бірақ', 'алайда', 'өкінішке', 'дегенмен', 'biraq', 'birak']),
  r('ru', 'elsewhere', 0, [
    'аким(а|у|ом|е|ат|ата|ату|атом|ате|ов)?$',
    'полици',
    'полицейск',
    'участков(ый|ого|ому|ым)$',
    'суд(ья|ьи|ье|ью)$',
    'прокурор',
    'гаи$',
    'школ(а|ы|е|у|ой)$',
    'учител',
    'больниц',
    'поликлиник',
    'врач',
    'цон$',
    'депутат',
    'чиновник',
    'госорган',
    'сосед',
  ]),
  r('en', 'elsewhere', 0, [
    'akimat',
    'akim$',
    'mayor',
    'city_hall',
    'municipal',
    'police',
    'judge',
    'school',
    'teacher',
    'hospital',
    'doctor',
    'neighbou?rs?$',
    'tax_office',
  ]),
  r('kk', 'elsewhere', 0, [
    'әкім',
    'полиция',
    'учаскелік',
    'соттың',
    'судья',
    'мектеп',
    'мұғалім',
    'аурухана',
    'дәрігер',
    'депутат',
    'көрші',
  ]),
  r('ru', 'urgent', 0, [
    'угрож*',
    'угроз*',
    'убь(ю|ет|ют)$',
    'убить',
    'закопа*',
    'избил*',
    'избива*',
    'изби(л|ли|ла)$',
    'поко?лечи*',
    'отомст*',
    'мест(ь|и)$',
    'преследу*',
    'опасаюсь_за_(свою_)?(жизнь|здоровье|семью|детей)',
    'срочно$',
  ]),
  r('en', 'urgent', 0, [
    'threat*',
    'kill_(me|you|him|her|us)',
    'beat(en)?_(me|him|her|up)',
    'revenge',
    'retaliat*',
    'afraid_for_my_(life|family|safety)',
    'urgent(ly)?$',
  ]),
  r('kk', 'urgent', 0, [
    'қорқыт*',
    'қоқан-лоқы*',
    'өлтір*',
    'соққыға_жық*',
    'ұрып-соқ*',
    'кек_ал*',
    'шұғыл',
    'асығыс',
  ]),
];

/**
 * Words that name a topic rather than report a case: an event's title («семинар "Как выявлять
 * взятки"»), the fight against corruption, the Code of Conduct asked for as a document. Blanked out of the text before the in-scope rules read it, so the topic's
 * words do not count as a report; the out-of-scope rules read the whole text.
 */
export const MASKS: readonly KeywordRule[] = [
  r('ru', 'commercial', 0, [
    '(семинар*|тренинг*|вебинар*|курс*|конференц*|форум*|мастер-класс*|лекци*|обучени*)_(на_тему_)?[«"“„][^»"”]{1,200}[»"”]',
    // an event's price is not money taken from anyone (actor + money)
    'стоимост*_участия_(составляет_)?\\d([\\d.,]|\\s(?=\\d)){0,12}(_(тыс*|тенге|теңге|тг|млн))?(_(тенге|теңге|тг))?',
    'противодейств* коррупц*',
    'борьб* (с|против)_коррупц*',
  ]),
  r('en', 'commercial', 0, [
    '(seminar|training|webinar|course|conference|forum|masterclass)s?_(on_)?[«"“][^»"”]{1,200}[»"”]',
    '(registration|participation|attendance)_fee_(is_)?\\d([\\d.,]|\\s(?=\\d)){0,12}(_(tenge|kzt|tg|usd))?',
    'anti-?corrupt*',
    '(fight*|combat*|counter*|prevent*) corrupt*',
  ]),
  r('kk', 'commercial', 0, [
    '(семинар*|тренинг*|вебинар*|курс*|конференция*|форум*)_[«"“„][^»"”]{1,200}[»"”]',
    '[«"“„][^»"”]{1,200}[»"”]_(семинар*|тренинг*|вебинар*|курс*|конференция*|форум*)',
    'қатысу_(құны|бағасы|ақысы)_\\d([\\d.,]|\\s(?=\\d)){0,12}(_(мың|теңге|тг|млн))?(_(теңге|тг))?',
    'сыбайлас_жемқорлыққа_қарсы',
  ]),
  r('ru', 'information', 0, [
    '(копи*|текст*|экземпляр*)_(кодекс*|правил*|политик*|положени*)(_(делов*|корпоратив*|профессиональн*))?(_(этик*|поведен*))?',
    '(найти|прочитать|скачать|посмотреть|ознакомиться_с) кодекс*(_(делов*|корпоратив*))?(_(этик*|поведен*))?',
  ]),
  r('en', 'information', 0, [
    'cop(y|ies)_of (code_of_(conduct|ethics)|ethics_code|rules|policy)',
    '(find|read|download|see|get)_(the_|your_)?code_of_(conduct|ethics)',
  ]),
  r('kk', 'information', 0, ['(әдеп_)?кодекс* (көшірме*|мәтін*)']),
];

export const COMBINATIONS: readonly Combination[] = [
  // rules 4.10 "illegal acts of employees": an employee or official + a wrong act
  { when: ['actor', 'wrong'], cue: 'conduct_other', weight: 1 },
  { when: ['actor', 'corruption'], cue: 'corruption', weight: 1 },
  { when: ['actor', 'harassment'], cue: 'harassment', weight: 1 },
  { when: ['actor', 'abuse_of_position'], cue: 'abuse_of_position', weight: 1 },
  { when: ['actor', 'conduct_other'], cue: 'conduct_other', weight: 1 },
  { when: ['actor', 'kin'], cue: 'conflict_of_interest', weight: 1 },
  // an accident + concealment is a concealed accident
  { when: ['safety', 'wrong'], cue: 'safety', weight: 2 },
  // a tender + a wrong act or a relative is a procurement violation
  { when: ['procurement', 'wrong'], cue: 'procurement', weight: 2 },
  { when: ['procurement', 'kin'], cue: 'procurement', weight: 2 },
  // who did what: the writer's workplace, an employee and a wrong act, in any two
  { when: ['workplace', 'actor'], cue: 'conduct_other', weight: 1 },
  { when: ['workplace', 'wrong'], cue: 'conduct_other', weight: 1 },
  { when: ['workplace', 'harassment'], cue: 'harassment', weight: 1 },
  { when: ['workplace', 'abuse_of_position'], cue: 'abuse_of_position', weight: 1 },
  { when: ['workplace', 'fraud'], cue: 'fraud', weight: 1 },
  { when: ['actor', 'fraud'], cue: 'fraud', weight: 1 },
  { when: ['actor', 'safety'], cue: 'safety', weight: 1 },
  // money taken by an employee, or collected from the workforce, or cash handed to staff
  { when: ['actor', 'money', 'take'], cue: 'corruption', weight: 2 },
  { when: ['workplace', 'money', 'take'], cue: 'corruption', weight: 2 },
  { when: ['actor', 'cash'], cue: 'corruption', weight: 2 },
  // an employee and the writer's money in one letter: never redirect material on its own
  { when: ['actor', 'money'], cue: 'fraud', weight: 1 },
  // discrimination: a boss or colleague and a protected trait
  { when: ['actor', 'protected'], cue: 'harassment', weight: 1 },
  { when: ['workplace', 'protected'], cue: 'harassment', weight: 1 },
  // conflict of interest: an official owns the counterparty, or a relative or friend is hired
  { when: ['actor', 'owns'], cue: 'conflict_of_interest', weight: 1 },
  { when: ['owns', 'kin'], cue: 'conflict_of_interest', weight: 1 },
  { when: ['hire', 'kin'], cue: 'conflict_of_interest', weight: 2 },
];

/** Human-readable labels of every category (the digest, the redirect advice, the console). */
export const CATEGORY_LABELS: Readonly<Record<Category, Readonly<Record<Language, string>>>> = {
  corruption: {
    kk: 'Сыбайлас жемқорлық (пара, кері қайтарым, бопсалау)',
    ru: 'Коррупция (взятки, откаты, вымогательство)',
    en: 'Corruption (bribery, kickbacks, extortion)',
  },
  fraud: {
    kk: 'Алаяқтық, ұрлық, жымқыру',
    ru: 'Мошенничество, хищение, растрата',
    en: 'Fraud, theft, embezzlement',
  },
  conflict_of_interest: {
    kk: 'Мүдделер қақтығысы',
    ru: 'Конфликт интересов',
    en: 'Conflict of interest',
  },
  harassment: {
    kk: 'Қысым көрсету, кемсіту, қорлау',
    ru: 'Домогательства, дискриминация, травля',
    en: 'Harassment, discrimination, bullying',
  },
  safety: {
    kk: 'Қауіпсіздік талаптарын бұзу, жасырылған апаттар',
    ru: 'Нарушения техники безопасности, сокрытие аварий',
    en: 'Safety violations, concealed accidents',
  },
  abuse_of_position: {
    kk: 'Қызмет бабын асыра пайдалану',
    ru: 'Злоупотребление должностным положением',
    en: 'Abuse of position',
  },
  procurement: {
    kk: 'Сатып алудағы бұзушылықтар',
    ru: 'Нарушения в закупках',
    en: 'Procurement violations',
  },
  conduct_other: {
    kk: 'Әдеп кодексінің өзге бұзушылықтары',
    ru: 'Иные нарушения Кодекса поведения',
    en: 'Other Code of Conduct violations',
  },
  billing: {
    kk: 'Электр энергиясы үшін шоттар және есептегіштер',
    ru: 'Счета за электроэнергию и приборы учёта',
    en: 'Electricity bills and meters',
  },
  heating: {
    kk: 'Жылу және ыстық су',
    ru: 'Отопление и горячая вода',
    en: 'Heating and hot water',
  },
  outage: {
    kk: 'Электр энергиясының өшірілуі және желіге қосылу',
    ru: 'Отключения электроэнергии и подключение к сетям',
    en: 'Power outages and grid connection',
  },
  tariffs: { kk: 'Тарифтер', ru: 'Тарифы', en: 'Tariffs' },
  jobs: {
    kk: 'Бос жұмыс орындары және түйіндеме',
    ru: 'Вакансии и резюме',
    en: 'Vacancies and CVs',
  },
  commercial: {
    kk: 'Коммерциялық ұсыныстар',
    ru: 'Коммерческие предложения',
    en: 'Commercial offers',
  },
  information: {
    kk: 'Ақпарат сұрау',
    ru: 'Запросы информации',
    en: 'Requests for information',
  },
};
