/**
 * Pattern data for reading the journal's columns out of a letter (rules 4.14 c, d; Appendix 1).
 * Kazakh, Russian and English. The logic that uses them is in extract.ts.
 * All patterns are matched against single lines unless said otherwise.
 */

// ---------------------------------------------------------------- quoted history and signatures

/** A line where quoted or forwarded history starts: everything from it on is not the writer's. */
export const HISTORY_START: readonly RegExp[] = [
  /^-{2,}\s*(?:original message|исходное сообщение|бастапқы хабарлама)\s*-{2,}\s*$/iu,
  /^-{2,}\s*(?:forwarded message|пересылаемое сообщение|пересланное сообщение|жіберілген хабарлама|қайта жіберілген хабарлама)\s*-{2,}\s*$/iu,
  /^(?:begin forwarded message|начало пересылаемого сообщения):?\s*$/iu,
  /^_{10,}\s*$/u, // Outlook puts a rule of underscores above the From:/Sent: block
];

/** The same for lines ending in a colon; only such (trimmed) lines are tried: these are costly. */
export const HISTORY_START_COLON: readonly RegExp[] = [
  /^on\s.{3,200}\bwrote:\s*$/iu,
  /^.{3,200}\s(?:пишет|написал|написала|написал\(а\)|жазды|жазған):\s*$/iu,
  // Gmail in Russian/Kazakh: «пн, 12 мар. 2024 г. в 10:15, Иван <ivan@mail.kz>:»
  /^.{0,200}\d.{0,200}<[^<>\s]+@[^<>\s]+>\s*:\s*$/u,
];

/** Forwarded (not replied) history: its body may stand in for the content when nothing else is said. */
export const FORWARD_START =
  /^(?:-{2,}\s*(?:forwarded message|пересылаемое сообщение|пересланное сообщение|жіберілген хабарлама|қайта жіберілген хабарлама)\s*-{2,}|begin forwarded message:?|начало пересылаемого сообщения:?)\s*$/iu;

/** An "On … wrote:" split over two lines by a mail client. */
export const WROTE_CONTINUATION =
  /^.{0,120}(?:^|\s)(?:wrote|пишет|написал\(а\)|написала|написал|жазды):\s*$/iu;
export const WROTE_OPENING = /^(?:on|в)\s.{3,200}$/iu;

/** Outlook's header block of a quoted message: a From: line followed closely by Sent:/Date:/To:. */
export const HEADER_FROM = /^\*?(?:from|от|кімнен|кимнен)\*?\s*:\s*\S/iu;
export const HEADER_NEXT =
  /^\*?(?:sent|date|to|subject|cc|отправлено|дата|кому|тема|копия|жіберілді|кімге|тақырып)\*?\s*:/iu;

/** A quoted line. */
export const QUOTED_LINE = /^\s*>/u;

/** The conventional signature delimiter "-- ". */
export const SIGNATURE_DELIMITER = /^--\s*$/u;

/** A sign-off; group 1 is what follows on the same line (often the name). */
export const SIGN_OFF =
  /^(?:с уважением|с наилучшими пожеланиями|всего доброго|заранее спасибо|заранее благодарю|спасибо|благодарю|құрметпен|курметпен|qūrmetpen|qurmetpen|ізгі ниетпен|ізгі тілекпен|сәлеммен|салеммен|рахмет|алдын ала рахмет|best regards|kind regards|warm regards|regards|best wishes|sincerely|yours sincerely|yours faithfully|yours truly|respectfully|thank you|thanks|many thanks|cheers)(?=$|[^\p{L}])[\s,.!:;—–-]*(.*)$/iu;

/** Sign-offs that are only thanks: they end the letter only when alone on their line or before a name. */
export const THANKS_ONLY =
  /^(?:спасибо|благодарю|заранее спасибо|заранее благодарю|рахмет|алдын ала рахмет|thank you|thanks|many thanks)(?=$|[^\p{L}])/iu;

/** Lines that mail apps add; not the writer's words. */
export const DEVICE_LINE: readonly RegExp[] = [
  /^(?:отправлено с|отправлено из|sent from|sent with|get outlook for|download outlook for|получить outlook|скачать outlook|outlook для)(?=$|[^\p{L}]).{0,80}$/iu,
  /^.{0,40}(?:жіберілді|арқылы жіберілді)\.?$/iu,
  /^(?:этот e-?mail|this e-?mail|this message).{0,60}(?:virus|антивирус|confidential|конфиденциальн).*$/iu,
];

/** The first line of a mail system's disclaimer: it and everything under it are not the letter. */
export const DISCLAIMER_START =
  /^(?:confidentiality\s+notice|disclaimer|legal\s+notice|important\s+notice|confidential(?:ity)?\s*:|this\s+(?:e-?mail|message|communication)(?:\s+and\s+any\s+(?:files|attachments)(?:\s+transmitted\s+with\s+it)?)?\s+(?:is|are|may\s+be|contains?)\s+(?:strictly\s+)?(?:confidential|privileged)|конфиденциальность\s*:|внимание!?\s*:?\s*(?:данное|это|настоящее)\s+(?:сообщение|письмо|электронное)|(?:данное|настоящее)\s+(?:сообщение|письмо|электронное\s+письмо)(?:\s+и\s+(?:все\s+)?(?:приложения|вложения)(?:\s+к\s+нему)?)?\s+(?:является|являются|содержит|может\s+содержать|предназначен)|бұл\s+(?:хат|хабарлама|электрондық\s+хат)\p{L}*\s.{0,60}құпия)/iu;

// ---------------------------------------------------------------- column 3: the name

/** Labelled name; group 1 is the name. */
export const NAME_LABEL =
  /^\s*(?:ф\.?\s?и\.?\s?о\.?|фамилия,?\s+имя(?:,?\s+отчество)?|аты-жөні|аты-жөнім|аты жөні|аты-жони|full name|name|контактное\s+лицо|заявитель|отправитель|от\s+кого|байланыс\s+тұлғасы|өтініш\s+беруші|contact\s+person|sender|my\s+details|мои\s+данные|имя|есімі|есіміңіз|подпись|қолы)\s*[:\-–—]\s*([^\n,;()]+)/iu;

/** A self-introduction; group 1 is the name. */
export const NAME_INTRO: readonly RegExp[] = [
  /(?:меня зовут|моё имя|мое имя|менің атым|менің есімім|менің аты-жөнім|менин атым|my name is|this is)\s+([^\n,;()!?]+)/iu,
  /(?:^|[.!?]\s+|\n\s*)(?:я|мен|i)\s*,\s*([^\n,;()]+?)\s*,/iu,
  // «Моя фамилия Ким», «Если нужно, я — Серик из котельного цеха»
  /(?:моя\s+фамилия|фамилия\s+моя|менің\s+фамилиям)\s*[:—–-]?\s*([^\n,;()!?.]+)/iu,
  /(?:^|[.!?,]\s*)(?:я|мен)\s*[—–-]\s*([^\n,;()!?.]+)/iu,
];

/** Courtesy titles dropped from a name. */
export const NAME_TITLES =
  /^(?:(?:mr|mrs|ms|miss|dr|prof|sir|г-н|г-жа|господин|госпожа|гражданин|гражданка|уважаемый|уважаемая|адвокат|юрист|нотариус|attorney|lawyer|advocate)\.?\s+)+|\s+(?:мырза|ханым|аға|ага|апай|әпке|тәте)$/iu;

/** Words that make a "name" not a person's name (roles, companies, mailboxes, sign-offs). */
export const NOT_A_NAME_WORDS: ReadonlySet<string> = new Set([
  'ombudsman',
  'омбудсмен',
  'омбудсман',
  'admin',
  'administrator',
  'info',
  'support',
  'noreply',
  'no-reply',
  'mailer-daemon',
  'postmaster',
  'office',
  'team',
  'service',
  'services',
  'company',
  'group',
  'bank',
  'department',
  'hr',
  'mail',
  'user',
  'director',
  'manager',
  'engineer',
  'accountant',
  'директор',
  'менеджер',
  'инженер',
  'бухгалтер',
  'начальник',
  'мастер',
  'отдел',
  'служба',
  'бухгалтерия',
  'канцелярия',
  'приемная',
  'приёмная',
  'администрация',
  'компания',
  'басшы',
  'бөлім',
  'бастығы',
  'спасибо',
  'благодарю',
  'рахмет',
  'thanks',
  'regards',
  'здравствуйте',
  'hello',
  'dear',
  // a letter's first word before a comma: «Пожалуйста, проверьте…», "Please, check…"
  'пожалуйста',
  'извините',
  'простите',
  'скажите',
  'помогите',
  'уважаемые',
  'уважаемый',
  'уважаемая',
  'коллеги',
  'ребята',
  'друзья',
  'срочно',
  'внимание',
  'сәлем',
  'салем',
  'сәлеметсіз',
  'саламатсыз',
  'құрметті',
  'өтінемін',
  'ескертемін',
  'кешіріңіз',
  'please',
  'sorry',
  'urgent',
  'hi',
  'colleagues',
  'житель',
  'жители',
  'работник',
  'сотрудник',
  'аноним',
  'anonymous',
  'жасырын',
  'тел',
  'phone',
  'mobile',
  'алматы',
  'almaty',
  'астана',
  'байланыс',
  'смотрите',
  'посмотрите',
  'look',
  // «Мой тел. …» closing a letter
  'мой',
  'моя',
  'мои',
  'my',
  'менің',
  // mailboxes and forms, not people: «Кеңсе», «Пользователь», «Сайт»; a form's «Имя: Нет»
  'кеңсе',
  'кенсе',
  'пользователь',
  'сайт',
  'site',
  'website',
  'робот',
  'robot',
  'web',
  'форма',
  'form',
  'секретарь',
  'secretary',
  'reception',
  'нет',
  'жоқ',
  'none',
  'unknown',
  'неизвестно',
]);

/** One word of a name: Кириллица/Latin with hyphen or apostrophe, or an initial ("И." / "И.И."). */
export const NAME_WORD =
  /^(?:(?:\p{Lu}['’]|Mc|Mac)?\p{Lu}[\p{Ll}\p{M}]+(?:[-'’]\p{Lu}?[\p{Ll}\p{M}]+)*|(?:\p{Lu}\.\s?){1,2})$/u;

// ---------------------------------------------------------------- column 6: legal entities

/** Abbreviated legal forms, as written → normalised. */
export const LEGAL_FORM_ABBREVIATIONS: Readonly<Record<string, string>> = {
  тоо: 'ТОО',
  жшс: 'ЖШС',
  ао: 'АО',
  ақ: 'АҚ',
  ак: 'АҚ',
  нао: 'НАО',
  ұақ: 'ҰАҚ',
  иап: 'ИП',
  ип: 'ИП',
  жк: 'ЖК',
  пк: 'ПК',
  өк: 'ӨК',
  гу: 'ГУ',
  мм: 'ММ',
  кгу: 'КГУ',
  ргу: 'РГУ',
  кгп: 'КГП',
  ркп: 'РКП',
  ргп: 'РГП',
  гкп: 'ГКП',
  ркк: 'РКК',
  мкк: 'МКК',
  шжқ: 'ШЖҚ',
  оо: 'ОО',
  қб: 'ҚБ',
  чу: 'ЧУ',
  жм: 'ЖМ',
  ооо: 'ООО',
  llp: 'LLP',
  jsc: 'JSC',
  llc: 'LLC',
  ltd: 'Ltd',
  inc: 'Inc',
  plc: 'PLC',
  gmbh: 'GmbH',
};

/** Spelled-out legal forms → normalised abbreviation. */
export const LEGAL_FORM_LONG: readonly [RegExp, string][] = [
  [/товарищество\s+с\s+ограниченной\s+ответственностью/iu, 'ТОО'],
  [/жауапкершілігі\s+шектеулі\s+серіктестік/iu, 'ЖШС'],
  [/акционерное\s+общество/iu, 'АО'],
  [/акционерлік\s+қоғам/iu, 'АҚ'],
  [/индивидуальный\s+предприниматель/iu, 'ИП'],
  [/жеке\s+кәсіпкер/iu, 'ЖК'],
  [/производственный\s+кооператив/iu, 'ПК'],
  [/государственное\s+учреждение/iu, 'ГУ'],
  [/мемлекеттік\s+мекеме/iu, 'ММ'],
  [/limited\s+liability\s+partnership/iu, 'LLP'],
  [/limited\s+liability\s+company/iu, 'LLC'],
  [/joint[\s-]+stock\s+company/iu, 'JSC'],
];

/** Forms written after the name in English ("Almaty Service LLP") and Kazakh ("«Алматы Сервис» ЖШС"). */
export const LEGAL_FORMS_AFTER_NAME: ReadonlySet<string> = new Set([
  'LLP',
  'JSC',
  'LLC',
  'Ltd',
  'Inc',
  'PLC',
  'GmbH',
  'ЖШС',
  'АҚ',
  'ЖК',
  'ММ',
  'ҚБ',
  'ӨК',
  'ШЖҚ',
]);

/**
 * Phrases showing that the writer speaks for an organisation (not just names one in the
 * complaint), the organisation written right after them: «от имени ТОО …», "on behalf of … LLP".
 */
export const REPRESENTS_ORG_AFTER =
  /(?:от\s+имени|являюсь\s+(?:директором|представителем|руководителем|учредителем|владельцем)|представляю(?:\s+интересы)?|мы,|on\s+behalf\s+of|i\s+represent|i\s+am\s+(?:the\s+)?(?:director|owner|ceo|manager|representative)\s+of|as\s+(?:the\s+)?(?:director|owner|representative)\s+of)\s*/giu;

/** A role word in the writer's self-introduction («Я, Петров С.И., директор ТОО «…»»). */
export const SELF_INTRO = /(?:^|[.!?]\s+)(?:я|мен|i)\s*,\s*([^\n!?]{0,200})/iu;
export const REPRESENTATIVE_ROLE =
  /(?<![\p{L}])(?:директор\p{L}*|руководител\p{L}*|представител\p{L}*|учредител\p{L}*|владел\p{L}*|басшы\p{L}*|өкіл\p{L}*|құрылтайшы\p{L}*|director|owner|ceo|manager|representative|founder)(?![\p{L}])/iu;

/** A post written beside a name in a signature: «Директор», «гл.бух», «председатель», "CEO". */
export const ROLE_WORD =
  /^(?:директор\p{L}*|генеральн\p{L}*|главн\p{L}*|гл\.?|гл\.бух\.?|бух\.?|бухгалтер\p{L}*|менеджер\p{L}*|инженер\p{L}*|председател\p{L}*|глава|руководител\p{L}*|представител\p{L}*|юрист\p{L}*|адвокат\p{L}*|заместител\p{L}*|зам\.?|начальник\p{L}*|старш\p{L}*|ведущ\p{L}*|специалист\p{L}*|төраға\p{L}*|басшы\p{L}*|бас|есепші\p{L}*|ceo|cfo|coo|manager|director|engineer|chairman|chairwoman|head|lawyer|accountant|president|owner)$/iu;

/** A sole trader signs with the form and their own name: «ИП Сейітов Н.А.», «ЖК Ахметов Б.». */
export const SOLE_TRADER =
  /^(?:ИП|ЖК|ИП\s+|ЖК\s+)\s*((?:\p{Lu}[\p{Ll}\p{M}]+(?:-\p{Lu}[\p{Ll}\p{M}]+)?)(?:\s+(?:\p{Lu}\.\s?){1,2}|\s+\p{Lu}[\p{Ll}\p{M}]+){1,2})\s*$/u;

/** The same, written after the organisation: «ТОО «…» в лице директора», «… ЖШС атынан», «… ЖШС директорымын». */
export const REPRESENTS_ORG_BEFORE =
  /(?:в\s+лице|атынан|өкілімін|өкілі\s+ретінде|директорымын|басшысымын|құрылтайшысымын)(?![\p{L}])/giu;

// ---------------------------------------------------------------- column 4: address

/** Phrases introducing the writer's own (home) address; the address follows. */
export const HOME_ADDRESS_CUE =
  /(?:адрес\s+проживания|домашний\s+адрес|место\s+жительства|(?:проживаю|проживающ\p{L}+|живу|зарегистрирован\p{L}*)\s+по\s+адресу|(?:проживаю|живу|тұрамын)\s*[:\-–—]|мой\s+адрес|тұратын\s+мекен-?жайым|мекен-?жайым|тұрғылықты\s+мекен-?жайым|home\s+address|my\s+(?:home\s+)?address(?:\s+is|\s*[:\-–—])|i\s+live\s+at)\s*[:\-–—]?\s*/giu;

/** The local part of a mailbox a team shares, not one person's. */
export const SHARED_MAILBOX =
  /^(?:info|sales|office|admin|administrator|support|hr|contact|contacts|mail|post|kanc|kense|kantselyariya|priemnaya|reception|secretary|secretariat|buh|accounting|marketing|team|general|hello|no-?reply|do-?not-?reply|service|orders|zakaz|tender|tenders|procurement|zakupki)(?:[._-]?\d*)?$/iu;

/** «Адрес ТЭЦ-3: …», "Address of the site: …": the address of what the letter is about. */
export const SOMETHING_ELSES_ADDRESS =
  /^(?:адрес|address|мекен-?жай\p{L}*)\s+(?!для\s|проживания|регистрации|прописки|места\s+жительства|for\s|of\s+residence|home)[^:\n]{1,40}:/iu;

/** A line-initial label «Адрес: …» / "Address: …" (a bare «адрес» elsewhere may be a site's). */
export const HOME_ADDRESS_LABEL = /(?:^|\n)\s*(?:адрес|address|мекен-?жай\p{L}*)\s*[:\-–—]\s*/giu;

/** Line-initial labels of contact lines (a trailing block of them is a signature). */
export const CONTACT_LABEL =
  /^(?:тел|телефон|моб|сот|phone|tel|mobile|cell|ұялы|байланыс|адрес|address|мекен-?жай\p{L}*|фио|ф\.и\.о|аты-жөні|e-?mail|эл\.\s*почта)\.?\s*[:.]/iu;

/** A signature line giving the writer's IIN or the company's BIN: «ИИН 880512300456». */
export const IDENTITY_NUMBER_LINE = /^(?:иин|жсн|iin|бин|бсн|bin)\s*[:№.]?\s*\d{12}$/iu;

/** Markers of a street address (a line with one of these and a digit looks like an address). */
export const ADDRESS_MARKER =
  /(?:^|[\s,(])(?:г\.|город|ул\.|улица|пр\.|пр-т|проспект|мкр\.?|микрорайон|пер\.|переулок|бул\.|бульвар|д\.|дом|кв\.|квартира|пос\.|с\.|обл\.|область|қ\.|қаласы|к-сі|көшесі|көш\.|даңғылы|даң\.|ш\/а|шағын\s*аудан\p{L}*|ықшам\s*аудан\p{L}*|пәтер|үй|street|st\.|avenue|ave\.?|road|rd\.|apt\.?|apartment|microdistrict|mkr\.?|city)(?=$|[\s,.\d])/iu;

/** Abbreviations that end with a period inside an address (so the period ends no sentence). */
export const ADDRESS_ABBREVIATIONS: ReadonlySet<string> = new Set([
  'г',
  'гор',
  'ул',
  'пр',
  'мкр',
  'пер',
  'бул',
  'д',
  'кв',
  'корп',
  'стр',
  'пос',
  'с',
  'п',
  'обл',
  'р-н',
  'р',
  'н',
  'қ',
  'көш',
  'даң',
  'ш',
  'а',
  'st',
  'ave',
  'rd',
  'apt',
  'blvd',
  'no',
  'mkr',
  'кор',
  'эт',
  'оф',
  'пәт',
  'даңғ',
  'ауд',
  'мкр',
  'ш.а',
]);

// ---------------------------------------------------------------- column 7: reply address

/** An explicit request for where to send the reply; the address follows. */
export const REPLY_ADDRESS_CUE: readonly RegExp[] = [
  /(?:ответ|ответ на обращение|ответ на жалобу)\s+(?:прошу\s+)?(?:направить|прислать|отправить|выслать)\s+(?:мне\s+)?(?:(?:письменно|почтой|в\s+письменном\s+виде)\s+)?(?:по\s+(?:почтовому\s+)?адресу|на\s+(?:почтовый\s+)?адрес|на\s+(?:электронную\s+)?почту|на\s+e-?mail)\s*[:\-–—]?\s*/iu,
  /(?:прошу\s+)?(?:направить|прислать|отправить|выслать)\s+(?:мне\s+)?ответ\s+(?:(?:письменно|почтой|в\s+письменном\s+виде)\s+)?(?:по\s+(?:почтовому\s+)?адресу|на\s+(?:почтовый\s+)?адрес|на\s+(?:электронную\s+)?почту|на\s+e-?mail)\s*[:\-–—]?\s*/iu,
  // «прошу сообщить о результатах по адресу: …», «о принятых мерах прошу уведомить по адресу …»
  /(?:сообщить|уведомить|известить|проинформировать)\s+(?:меня\s+|мне\s+)?(?:о\s+(?:результатах|принятых\s+мерах|решении)(?:\s+проверки)?\s+)?(?:письменно\s+)?(?:по\s+(?:почтовому\s+)?адресу|на\s+(?:почтовый\s+)?адрес)\s*[:\-–—]?\s*/iu,
  /(?:адрес\s+для\s+(?:ответа|корреспонденции|переписки)|почтовый\s+адрес\s+для\s+ответа)\s*[:\-–—]?\s*/iu,
  /(?:please\s+)?(?:send|mail|post)\s+(?:the|your|a)?\s*(?:reply|answer|response)\s+to\s*[:\-–—]?\s*/iu,
  /(?:reply|postal)\s+address(?:\s+for\s+(?:the\s+)?(?:reply|answer|response))?\s*[:\-–—]\s*/iu,
];

/** Kazakh order: the address sits between «жауапты» and «мекенжайына/поштасына жіберу…». */
export const REPLY_ADDRESS_KK =
  /жауап(?:ты)?\s+(?:мына\s+)?(.{5,200}?)\s+(?:мекен-?жайына|мекенжайға|поштасына|поштаға|электрондық\s+поштаға|адресіне)\s+жіберу/iu;
export const REPLY_ADDRESS_KK_LABEL =
  /(?:жауап\s+(?:беру|жіберу)\s+үшін\s+мекенжай|жауапқа\s+арналған\s+мекенжай|жауап(?:ты)?\s+(?:мына\s+)?(?:мекен-?жайға|мекен-?жайыма|мекен-?жай\s+бойынша|поштаға|электрондық\s+поштаға|адреске)\s+жіберу\p{L}*(?:\s+(?:сұраймын|өтінемін))?\s*[:\-–—])\s*/iu;

/**
 * A request for the answer, in the sentence that gives an e-mail address: «ответ прошу на …»,
 * «пишите на …», «жауапты … жіберіңіз», "please reply to …". Not a report of mail written or
 * unanswered («писал в hr@…, никто не ответил»).
 */
export const REPLY_REQUEST =
  /(?<![\p{L}])(?:ответ(?:\s+(?:прошу|мне|пожалуйста)|ьте|ить\s+мне|\s+(?:направ|присл|пришл|присыла|отправ|пиш|жду\s+на))\p{L}*|прошу\s+(?:\p{L}+\s+){0,3}?(?:ответ|отвеч|направ|присл|сообщ|писать)\p{L}*|(?:на)?пишите|отвечайте|для\s+(?:ответа|связи)|жауап\p{L}*\s+(?:\S+\s+){0,3}?(?:жіберіңіз|жазыңыз|жолдаңыз|жіберуіңізді)\p{L}*|жазыңыз|(?:reply|respond|answer|write\s+back)\s+(?:to|at|on)|send\s+(?:the\s+|your\s+)?(?:reply|answer|response)|reply\s+address|contact\s+me\s+(?:at|on|by))(?![\p{L}])/iu;

/** …unless the address is somebody else's, where mail came from, or where the writer wrote before. */
export const NOT_FOR_REPLY =
  /(?<![\p{L}])(?:его|е[её]|их|оның|his|her|their|from|с\s+(?:адреса|почты)|от\s+(?:адреса|почты)|пришл[оаи]|пришёл|пришел|келді|received|(?:на|от)?писал\p{L}*|обращал\p{L}*|отправлял\p{L}*|жаздым|жазған\p{L}*|wrote|sent|emailed|written)(?![\p{L}])/iu;

// ---------------------------------------------------------------- anonymity (rules 4.14: column c stays empty)

/** Explicit requests for anonymity. Matched on the whole text, lower-cased. */
export const ANONYMITY_REQUEST: readonly RegExp[] = [
  // ru
  /прошу\s+не\s+(?:указывать|называть|раскрывать|разглашать|публиковать|сообщать)\s+(?:мо[её]|мою|мои|моих|мое|моего)?\s*(?:имя|имени|фио|ф\.и\.о\.|фамилию|личность|данные|персональные\s+данные)(?!\s+(?:руководств\p{L}*|начальств\p{L}*|начальник\p{L}*|проверяем\p{L}*|третьим|работодател\p{L}*|администраци\p{L}*))/u,
  /не\s+(?:указывайте|называйте|раскрывайте|разглашайте|публикуйте|сообщайте)\s+(?:мо[её]|мою|мои|моих|мое|моего)?\s*(?:имя|фио|фамилию|личность|данные)(?!\s+(?:руководств\p{L}*|начальств\p{L}*|начальник\p{L}*|проверяем\p{L}*|третьим|работодател\p{L}*|администраци\p{L}*))/u,
  /без\s+указания\s+(?:моего\s+|моей\s+|моих\s+)?(?:имени|фио|ф\.и\.о\.|фамилии|личности|данных|персональных\s+данных)/u,
  /(?:прошу\s+)?(?:сохранить|соблюсти)\s+(?:мою\s+)?анонимность/u,
  /(?:пишу|обращаюсь|сообщаю|направляю|отправляю)\s+(?:это\s+)?(?:\p{L}+\s+)?анонимно/u,
  /(?:хочу|желаю|прошу|предпочитаю)\s+(?:остаться|оставаться|быть)\s+анонимн\p{L}*/u,
  /не\s+хочу\s+(?:называть\s+сво[её]\s+имя|представляться|указывать\s+сво[её]\s+имя)/u,
  // «не хочу, чтобы знали, кто я», «чтобы никто не узнал, что это я написал»
  /не\s+хочу\s*,?\s*чтобы\s+(?:\p{L}+\s+){0,2}(?:знал[аио]?|узнал[аио]?)\s*,?\s*(?:кто\s+я|кто\s+(?:это\s+)?(?:написал|пишет|сообщил)|что\s+это\s+я|мо[её]\s+имя|мою\s+фамилию|обо\s+мне)/u,
  /чтобы\s+никто\s+не\s+(?:знал|узнал)\s*,?\s*(?:кто\s+я|что\s+это\s+я|кто\s+(?:это\s+)?(?:написал|пишет|сообщил)|мо[её]\s+имя)/u,
  // «прошу сохранить в тайне моё имя», «моё имя прошу сохранить в тайне»
  /(?:сохранить|держать|оставить)\s+в\s+тайне\s+(?:мо[её]|мою|мои)\s+(?:имя|фио|фамилию|личность|данные)|(?:мо[её]|мою|мои)\s+(?:имя|фио|фамилию|личность|данные)\s+(?:прошу\s+)?(?:сохранить|держать|оставить)\s+в\s+тайне/u,
  // the object first: «моё имя прошу нигде не указывать», «мои данные никому не сообщать»
  /(?:мо[её]|мою|мои|моих)\s+(?:имя|фио|ф\.и\.о\.|фамилию|личность|данные|персональные\s+данные)\s+(?:прошу\s+)?(?:нигде\s+|никому\s+|никак\s+)?не\s+(?:указывать|называть|раскрывать|разглашать|публиковать|сообщать|передавать)(?!\s+(?:руководств\p{L}*|начальств\p{L}*|начальник\p{L}*|проверяем\p{L}*|третьим|работодател\p{L}*|администраци\p{L}*))/u,
  // the writer will not give it: «Имя своё указывать не буду», «Данные о себе не указываю»
  /(?<!(?:его|е[её]|их)\s)(?:имя|фамилию|фио|данные\s+о\s+себе|личность)\s+(?:сво[её]\s+|свою\s+|свои\s+)?(?:(?:указывать|называть|писать|раскрывать)\s+)?не\s+(?:буду|стану|пишу|указываю|называю|раскрываю|сообщаю)/u,
  // «Не хочу, чтобы моё имя где-то фигурировало», «не хочу чтобы меня вычислили»
  /не\s+хочу\s*,?\s*чтобы\s+(?:мо[её]\s+(?:имя|фамилия|фио)|меня)\s+(?:\p{L}+\s+){0,2}(?:фигурировал\p{L}*|упоминал\p{L}*|указывал\p{L}*|называл\p{L}*|знали|узнали|вычислили|нашли)/u,
  // «Не хочу раскрывать свою личность», «не буду называть себя»
  /не\s+(?:хочу|желаю|буду|стану)\s+(?:раскрывать|называть|указывать|открывать)\s+(?:свою\s+личность|себя|сво[её]\s+имя|свою\s+фамилию)/u,
  // «поэтому не подписываюсь», «не раскрывайте, кто я», «я анонимный источник»
  /не\s+подписыва(?:юсь|ю\s+(?:письмо|обращение|жалобу))/u,
  /не\s+(?:раскрывайте|называйте|говорите|сообщайте)\s*,?\s*кто\s+я/u,
  /(?<![\p{L}])я\s+(?:—\s+|-\s+)?анонимн(?:ый|ая)\s+(?:источник|заявитель|автор|отправитель)/u,
  // Russian in the Latin alphabet: «Proshu ne ukazyvat moe imya», «bez imeni»
  /ne\s+(?:ukazyvat|ukazyvaite|ukazyvajte|nazyvat|nazyvaite|nazyvajte|raskryvat|raskryvaite)\s+(?:moe\s+|moyo\s+|moi\s+|moju\s+|moiu\s+)?(?:imya|imia|familiyu|familiju|fio|dannye|lichnost)/u,
  /(?<![\p{L}])bez\s+(?:ukazaniya\s+)?(?:moego\s+)?(?:imeni|familii)(?![\p{L}])/u,
  // kk
  /(?:атымды|есімімді|аты-жөнімді|аты-жөнiмдi|аты жөнімді)\s+(?:\p{L}+\s+)?(?:жарияламау\p{L}*|жария\s+етпеу\p{L}*|көрсетпеу\p{L}*|атамау\p{L}*|ашпау\p{L}*|жасыру\p{L}*|жасырын)/u,
  // the imperative: «атымды айтпаңыздар», «есімімді ешкімге көрсетпеңіз», «аты-жөнімді жарияламаңыз»
  // …but «атымды цех бастығына айтпаңыз» keeps it from someone: confidentiality (rules 4.9)
  /(?:атымды|есімімді|есимимди|аты-жөнімді|аты-жөнiмдi|аты-жонимди|аты жөнімді)\s+(?:(?!\p{L}*(?:бастығ|басшы|жетекші|директор|шебер|мастер|әкімші|начальник|басқарма)\p{L}*)\p{L}+\s+){0,2}(?:айтпа|атама|көрсетпе|корсетпе|жариялама|жария\s+етпе|ашпа|жасыр)\p{L}*/u,
  // «Аноним болып қалғым келеді», «анонимді болғым келеді»
  /аноним\p{L}*\s+(?:болып\s+)?(?:қал|кал|болғым|болгым)(?:ғым|гым|уымды|амын|айын)?/u,
  // the same in the Latin alphabet of 2021: «Atymdy jasyryñyz», «Esımımdı körsetpeñız»
  /(?:atymdy|esimimdi|esımımdı|aty-jönimdi|aty-jönımdı|aty-jonimdi)\s+(?:\p{L}+\s+){0,2}(?:aitpa|aıtpa|atama|körsetpe|korsetpe|jariialama|jarıialama|jariyalama|ashpa|aşpa|jasyr)\p{L}*/u,
  /жасырын\s+(?:түрде|қалғым|қалуымды|қалу\p{L}*|болу\p{L}*|өтініш|хабарлама|жазып)/u,
  // en
  /(?:keep|leave)\s+my\s+(?:name|identity)\s+(?:confidential|secret|private|hidden|out\s+of\s+(?:it|this|the\s+\p{L}+))/u,
  /(?:do\s+not|don['’]t|please\s+don['’]t|please\s+do\s+not)\s+(?:reveal|disclose|share|publish|mention|use|record)\s+my\s+(?:name|identity|details|personal\s+data)/u,
  /without\s+(?:revealing|disclosing|giving|mentioning|recording)\s+my\s+(?:name|identity)/u,
  /(?:withhold|not\s+(?:to\s+)?disclose)\s+my\s+(?:name|identity)/u,
  /(?:remain|stay|be\s+kept)\s+anonymous/u,
  /(?:keep|leave)\s+me\s+anonymous/u,
  // "I'd rather not give my name", "I don't want to be identified", "I wish to stay nameless"
  /(?:rather|prefer)\s+not\s+(?:to\s+)?(?:give|say|share|reveal|disclose|state|sign)\s+my\s+name/u,
  /(?:do\s+not|don['’]t)\s+want\s+(?:to\s+be\s+(?:identified|named|known)|my\s+name\s+(?:to\s+be\s+)?(?:known|used|mentioned|disclosed|revealed))/u,
  /(?:stay|remain)\s+(?:nameless|unnamed|unidentified)/u,
];

/**
 * A word of anonymity on its own («анонимно», «аноним», «анонимді», "anonymous"): a request only
 * in context (findAnonymityRequest) — it may be the writer's («С уважением, аноним», «Анонимное
 * обращение», "Please keep this anonymous.") or somebody else's («мне поступил анонимный звонок»,
 * «кто-то анонимно пожаловался на меня», "an anonymous note was left").
 */
export const ANONYMITY_WORD = /(?<![\p{L}])(?:аноним|anonym)\p{L}*/gu;
/** The writer's own letter named right after the word: «анонимное обращение», "anonymous report". */
export const ANONYMITY_OWN_LETTER =
  /^\s+(?:обращени[ея]|сообщени[ея]|письмо|жалоба|заявлени[ея]|appeal|complaint|report|letter|message|tip|submission|өтініш|хабарлама|шағым)(?![\p{L}])/u;
/** Forms that say how the writer writes: «пишу анонимно», «анонимді түрде», "anonymously". */
export const ANONYMITY_MANNER = /^(?:анонимно|анонимді|анонимдi|anonymously)$/u;
/** The word closes its clause: «прошу считать моё обращение анонимным и …», "keep it anonymous, …". */
export const ANONYMITY_CLAUSE_ENDS =
  /^[ \t]*(?:$|[.!?;:,)»"”\n]|(?:и|а|но|или|and|but|or|because|себебі|өйткені)(?![\p{L}]))/u;
/** A first-person request in the same sentence: «прошу рассмотреть анонимно», «… жазамын». */
export const FIRST_PERSON_REQUEST =
  /(?:^|[^\p{L}])(?:прошу|хочу|желаю|пишу|сообщаю|обращаюсь|направляю|отправляю|хотел[аи]?\s+бы|сұраймын|өтінемін|жазамын|хабарлаймын|жіберемін|please|i\s+(?:want|wish|would\s+like|prefer|am\s+writing|write|report)|i['’]d\s+like|i['’]m\s+writing)(?![\p{L}])/u;
/** Somebody else's anonymity, in the words before: «поступил анонимный звонок», «кто-то». */
export const SOMEBODY_ELSE =
  /(?:^|[^\p{L}])(?:получил\p{L}*|поступил\p{L}*|пришл\p{L}*|приходят|кто-то|кто\s+то|кем-то|некто|біреу\p{L}*|received|got|someone|somebody)(?![\p{L}])/u;
/** A form field answered yes («Анонимно: да») after the word. */
export const ANONYMITY_FIELD_YES = /^\s*[:\-–—]\s*(?:да|yes|иә|true)(?![\p{L}])/u;
/** The end of the writer's sentence, line or field right after the word. */
export const ANONYMITY_WORD_ENDS = /^[ \t]*(?:$|[.!?;)»"”\n])/u;

/** Negations in the few words before a request: "not anonymous", «не анонимно». */
export const ANONYMITY_NEGATION_BEFORE =
  /(?:(?:^|[^\p{L}])(?:не|нет|not|no|isn['’]t|aren['’]t|никакого|никакой)\s+(?:\p{L}+\s+)?|no\s+need\s+(?:to|for)\s+(?:\p{L}+\s+){0,2}|нет\s+необходимости\s+(?:\p{L}+\s+){0,2}|не\s+нужно\s+(?:\p{L}+\s+){0,2}|not\s+(?:an?\s+)?)$/u;

/** Negations right after a request: «жасырын емес», «анонимно не нужно», "anonymous is not needed". */
export const ANONYMITY_NEGATION_AFTER =
  /^\s*(?:[:\-–—]\s*(?:нет|no|жоқ|false)(?![\p{L}])|емес|қажет\s+емес|керек\s+емес|не\s+нужн\p{L}*|не\s+требуется|не\s+прошу|is\s+not\s+(?:needed|necessary|required)|not\s+needed|не\s+рассматрива\p{L}*|are\s+not\s+(?:accepted|considered))/u;

/** Generic talk about anonymity that is no request: "anonymous letters", «анонимные жалобы». */
export const ANONYMITY_GENERIC =
  /^(?:анонимн(?:ые|ых|ыми)\s|анонимным\s+\p{L}+[ая]м(?![\p{L}])|anonymous\s+(?:letters|complaints|reports|appeals|calls|messages|hotline|line)|анонимдік\s+кепіл|anonymity\s+(?:is|will\s+be)\s+guaranteed)/u;

// ---------------------------------------------------------------- content

/** Reply and forward prefixes of a subject: «Re:», «Fwd:», «Пересл:», «Жауап:». */
export const SUBJECT_PREFIX =
  /^(?:\s*(?:re|fw|fwd|aw|tr|sv|ответ|отв|пересл|переслать|жауап)\s*(?:\[\d+\])?\s*:\s*)+/iu;

/** The Company itself and its group are never the writer's organisation (column 6). */
export const NOT_OUR_APPELLANT_ORG =
  /алэс|алес|(?<![\p{L}])ales(?![\p{L}])|алматинские\s+электрические|алматы\s+электр\s+станциялары|almaty\s+electric|самрук|samruk/iu;

/** The trust line's own number (rules 4.4): never taken for the writer's phone. */
export const OWN_PHONES: ReadonlySet<string> = new Set(['+77272277080']);

export const NO_TEXT_PLACEHOLDER = '(no text)';
export const ELLIPSIS = '…';
/** Put in the content in place of the name, phone and e-mail of an anonymous writer. */
export const REDACTED = '[***]';

// ---------------------------------------------------------------- column 4: whose phone

/**
 * Right before a number in the body: the writer gives it as their own («мой номер», «звоните
 * мне», «менің телефоным», "my number", "reach me at").
 */
export const WRITERS_PHONE_CUE =
  /(?<![\p{L}])(?:мо[йяеи]|мне|меня|мной|менің|маған|менімен|хабарласыңыз|my|me|reach\s+me|call\s+me)(?![\p{L}])/iu;

/** A number somebody else uses against the writer: never theirs, whatever else the sentence says. */
export const CALLERS_PHONE_CUE =
  /(?<![\p{L}])(?:с\s+(?:номера|телефона)|(?:по|на)\s+номер[уа]?\s+(?:карты|kaspi|каспи)|kaspi|каспи|нөмірінен|from\s+(?:the\s+)?(?:number|phone))(?![\p{L}])/iu;

/**
 * Before (or in brackets after) a number in the body: it is somebody else's, the person the
 * letter is about, a relative or an office («его номер», «позвонить ему», «тел. приемной»,
 * «оның телефоны», "his number", «(жена начальника)»).
 */
export const OTHERS_PHONE_CUE =
  /(?<![\p{L}])(?:его|е[её]|ему|ей|их|им|него|н[её]е|оның|олардың|оған|his|her|their|him|them|приемн\p{L}*|приёмн\p{L}*|жен[аыу]|муж\p{L}*|office|wife|husband)(?![\p{L}])/iu;

/**
 * A post before a number: somebody else's when the sentence goes on about them («Мастер
 * Жаксылыков (тел. …) берет взятки»), the writer's own when it closes a signature line («Главный
 * бухгалтер Ахметжанова Г.С., тел. …»).
 */
export const POST_PHONE_CUE =
  /(?<![\p{L}])(?:начальник\p{L}*|мастер\p{L}*|директор\p{L}*|бригадир\p{L}*|охран\p{L}*|бухгалтер\p{L}*|бастығ\p{L}*|шебер\p{L}*|foreman\p{L}*|manager\p{L}*|director\p{L}*|boss\p{L}*)(?![\p{L}])/iu;
