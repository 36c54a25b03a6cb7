import { describe, expect, it } from 'vitest';
import { EMPTY_APPELLANT } from '../src/cases/appeal.models.js';
import {
  extractAppeal,
  findAnonymityRequest,
  parseOrganisation,
  type ExtractInput,
} from '../src/ingest/extract.js';

const mail = (
  text: string,
  opts: {
    subject?: string | null;
    from?: string | null;
    fromName?: string | null;
    replyTo?: string;
  } = {},
): ExtractInput => ({
  text,
  subject: opts.subject ?? null,
  from:
    opts.from === null
      ? null
      : { address: opts.from ?? 'writer@mail.kz', name: opts.fromName ?? null },
  replyTo: opts.replyTo ? { address: opts.replyTo, name: null } : null,
});

// rules 4.14 c, d and Appendix 1: columns 3–7 are read from what the appellant wrote
describe('extractAppeal: individuals', () => {
  it('reads a Russian letter signed «С уважением» with address and phone', () => {
    const r = extractAppeal(
      mail(
        [
          'Здравствуйте!',
          'Мастер участка ТЭЦ-2 требует деньги за допуск к работе.',
          '',
          'С уважением, Иванов Иван Иванович',
          'г. Алматы, ул. Абая 10, кв. 5',
          'тел. 8 701 123 45 67',
          '',
          'Отправлено с iPhone',
        ].join('\n'),
        { subject: 'Жалоба', from: 'ivanov@mail.kz', fromName: 'Иван' },
      ),
    );
    expect(r.appellant).toEqual({
      fullName: 'Иванов Иван Иванович',
      address: 'г. Алматы, ул. Абая 10, кв. 5',
      phone: '+77011234567',
      legalForm: null,
      orgName: null,
      replyAddress: 'ivanov@mail.kz',
    });
    expect(r.anonymous).toBe(false);
    expect(r.answerAddress).toBe('ivanov@mail.kz');
    expect(r.language).toBe('ru');
    expect(r.content).toBe('Здравствуйте! Мастер участка ТЭЦ-2 требует деньги за допуск к работе.');
  });

  it('reads a Kazakh letter signed «Құрметпен» with a labelled address', () => {
    const r = extractAppeal(
      mail(
        [
          'Сәлеметсіз бе!',
          'ЖЭО-1 қызметкерлері жұмысқа қабылдау үшін пара талап етеді.',
          'Мекенжайым: Алматы қ., Абай к-сі 10, 5 пәтер.',
          '',
          'Құрметпен, Серікбаев Нұрлан',
          '+7 701 123-45-67',
        ].join('\n'),
        { subject: 'Өтініш', from: 'nurlan@mail.kz', fromName: 'Nurlan S' },
      ),
    );
    expect(r.appellant.fullName).toBe('Серікбаев Нұрлан');
    expect(r.appellant.address).toBe('Алматы қ., Абай к-сі 10, 5 пәтер');
    expect(r.appellant.phone).toBe('+77011234567');
    expect(r.language).toBe('kk');
    expect(r.mixed).toBe(false);
    expect(r.content).toContain('пара талап етеді');
    expect(r.content).not.toContain('Құрметпен');
  });

  it('reads an English letter and prefers Reply-To over From for the reply', () => {
    const r = extractAppeal(
      mail(
        [
          'Dear Ombudsman,',
          '',
          'I would like to report a conflict of interest at Kapshagay HPP: the procurement manager',
          'awards contracts to his brother. I live at 12 Dostyk Ave, apt 3, Almaty.',
          '',
          'Best regards,',
          'John Smith',
          '+1 212 555 0199',
        ].join('\n'),
        {
          subject: 'Report',
          from: 'john@example.com',
          fromName: 'John Smith',
          replyTo: 'js@example.org',
        },
      ),
    );
    expect(r.appellant).toEqual({
      fullName: 'John Smith',
      address: '12 Dostyk Ave, apt 3, Almaty',
      phone: '+12125550199',
      legalForm: null,
      orgName: null,
      replyAddress: 'js@example.org',
    });
    expect(r.answerAddress).toBe('js@example.org');
    expect(r.language).toBe('en');
  });

  it('reads the formal Russian opening «Я, ФИО, проживающий по адресу» and a postal reply address', () => {
    const r = extractAppeal(
      mail(
        'Я, Петров Сергей Николаевич, проживающий по адресу: г. Алматы, мкр. Самал-2, д. 58, кв. 12, ' +
          'сообщаю о нарушениях при начислении премий. Ответ прошу направить по адресу: ' +
          '050000, г. Алматы, ул. Толе би 100, кв. 7.',
        { from: 'psn@mail.kz', fromName: 'ПСН' },
      ),
    );
    expect(r.appellant.fullName).toBe('Петров Сергей Николаевич');
    expect(r.appellant.address).toBe('г. Алматы, мкр. Самал-2, д. 58, кв. 12');
    expect(r.appellant.replyAddress).toBe('050000, г. Алматы, ул. Толе би 100, кв. 7');
    expect(r.answerAddress).toBe('psn@mail.kz');
  });

  it('takes «ФИО:» and «Телефон:» labels', () => {
    const r = extractAppeal(
      mail(
        [
          'Прошу проверить законность увольнения моего мужа с ЖЭО-3.',
          'ФИО: Кузнецова Мария Петровна',
          'Адрес: г. Алматы, пр. Райымбека 200, кв. 14',
          'Телефон: 8(727)2501020',
        ].join('\n'),
      ),
    );
    expect(r.appellant.fullName).toBe('Кузнецова Мария Петровна');
    expect(r.appellant.address).toBe('г. Алматы, пр. Райымбека 200, кв. 14');
    expect(r.appellant.phone).toBe('+77272501020');
    expect(r.content).toBe('Прошу проверить законность увольнения моего мужа с ЖЭО-3.');
  });

  it('takes «Меня зовут» and stops the name where the sentence goes on', () => {
    const r = extractAppeal(
      mail('Меня зовут Айгуль Нурланова и я работаю кассиром. Мне не выплатили отпускные.', {
        fromName: 'aigul',
      }),
    );
    expect(r.appellant.fullName).toBe('Айгуль Нурланова');
  });

  it('takes «Менің атым» in Kazakh', () => {
    const r = extractAppeal(
      mail('Менің атым Дәулет Жұмабеков. Каскад ГЭС-інде жалақы кешіктіріледі.', {
        from: 'd@mail.kz',
      }),
    );
    expect(r.appellant.fullName).toBe('Дәулет Жұмабеков');
    expect(r.language).toBe('kk');
  });

  it('takes "My name is" and drops a courtesy title', () => {
    const r = extractAppeal(
      mail('Hello, my name is Dr. Anna Lee. I am writing about a safety violation at CHP-1.', {
        from: 'anna@example.com',
      }),
    );
    expect(r.appellant.fullName).toBe('Anna Lee');
  });

  it('falls back to the From display name when the letter carries no name', () => {
    const r = extractAppeal(
      mail('На территории ЖЭО-2 сжигают мусор по ночам.', {
        from: 'a.ivanova@mail.ru',
        fromName: 'Анна Иванова',
      }),
    );
    expect(r.appellant.fullName).toBe('Анна Иванова');
  });

  it.each([['Ombudsman'], ['info@company.kz'], ['ТОО Ромашка'], ['Support Team'], ['Приемная']])(
    'does not take the display name %j for a person',
    (fromName) => {
      const r = extractAppeal(mail('Прошу разобраться с нарушением.', { fromName }));
      expect(r.appellant.fullName).toBeNull();
    },
  );

  it('keeps the order of an Outlook "Surname, Name" display name', () => {
    const r = extractAppeal(mail('Please look into this.', { fromName: 'Ivanov, Ivan' }));
    expect(r.appellant.fullName).toBe('Ivanov Ivan');
  });

  it('takes a name with initials from a trailing signature without a sign-off', () => {
    const r = extractAppeal(
      mail(
        'Прошу проверить работу котельной на ЖЭО-1, жильцы мерзнут.\n\nСидоренко А.В.\n87017654321',
      ),
    );
    expect(r.appellant.fullName).toBe('Сидоренко А.В.');
    expect(r.appellant.phone).toBe('+77017654321');
    expect(r.content).toBe('Прошу проверить работу котельной на ЖЭО-1, жильцы мерзнут.');
  });

  it('does not take the trust line number quoted in the letter for the writer’s phone', () => {
    const r = extractAppeal(
      mail('Я звонил на +7 (727) 227 70 80, никто не ответил. Мой номер 8 777 555 44 33.'),
    );
    expect(r.appellant.phone).toBe('+77775554433');
  });

  it('does not take an address the complaint is about for the home address', () => {
    const r = extractAppeal(
      mail('На подстанции по адресу ул. Абая 10 искрит кабель, сотрудники не реагируют.'),
    );
    expect(r.appellant.address).toBeNull();
  });
});

describe('extractAppeal: organisations (column 6)', () => {
  it('reads «ТОО «…»» from the signature of a director', () => {
    const r = extractAppeal(
      mail(
        [
          'Добрый день!',
          'Сообщаем о вымогательстве со стороны сотрудников АО «АлЭС» при приёмке работ.',
          '',
          'С уважением,',
          'Директор ТОО «Энергосервис»',
          'Ахметов Алибек',
          '+7 (727) 300-00-00',
        ].join('\n'),
        { from: 'office@energoservis.kz', fromName: 'ТОО Энергосервис' },
      ),
    );
    expect(r.appellant).toMatchObject({
      fullName: 'Ахметов Алибек',
      legalForm: 'ТОО',
      orgName: 'Энергосервис',
      phone: '+77273000000',
      replyAddress: 'office@energoservis.kz',
    });
  });

  it('reads a Kazakh ««…» ЖШС атынан» (on behalf of) with the form after the name', () => {
    const r = extractAppeal(
      mail(
        '«Алатау Құрылыс» ЖШС атынан жазып отырмын. Тендер нәтижелері заңсыз өзгертілді.\n\nҚұрметпен, Бекова Сәуле',
      ),
    );
    expect(r.appellant).toMatchObject({
      fullName: 'Бекова Сәуле',
      legalForm: 'ЖШС',
      orgName: 'Алатау Құрылыс',
    });
    expect(r.language).toBe('kk');
  });

  it('reads "on behalf of … LLP" in English', () => {
    const r = extractAppeal(
      mail(
        'I am writing on behalf of Steppe Energy Trading LLP. An AlES buyer asked us for a kickback.\n\nKind regards,\nMarat Aliyev',
      ),
    );
    expect(r.appellant).toMatchObject({
      fullName: 'Marat Aliyev',
      legalForm: 'LLP',
      orgName: 'Steppe Energy Trading',
    });
  });

  it('normalises a spelled-out legal form and an unquoted name', () => {
    expect(parseOrganisation('Товарищество с ограниченной ответственностью "Нур Сервис"')).toEqual({
      legalForm: 'ТОО',
      orgName: 'Нур Сервис',
    });
    expect(parseOrganisation('ИП Иванов И.И.')).toEqual({
      legalForm: 'ИП',
      orgName: 'Иванов И.И.',
    });
    expect(parseOrganisation('JSC Kazakh Coal, Almaty')).toEqual({
      legalForm: 'JSC',
      orgName: 'Kazakh Coal',
    });
    expect(parseOrganisation('КГП «Алматы Су» на ПХВ')).toEqual({
      legalForm: 'КГП',
      orgName: 'Алматы Су',
    });
  });

  it('does not take an organisation merely named in the complaint for the writer’s', () => {
    const r = extractAppeal(
      mail(
        'Сотрудники ТОО «Ромашка» по договору подряда воруют кабель со склада ЖЭО-2.\n\nС уважением, Олег',
      ),
    );
    expect(r.appellant.legalForm).toBeNull();
    expect(r.appellant.orgName).toBeNull();
    expect(r.appellant.fullName).toBe('Олег');
  });

  it('never takes the Company itself for the writer’s organisation', () => {
    const r = extractAppeal(
      mail('Я являюсь сотрудником АО «АлЭС» и сообщаю о нарушении.\n\nС уважением, Олег Ким'),
    );
    expect(r.appellant.legalForm).toBeNull();
  });
});

describe('extractAppeal: anonymity (rules 4.14: column c stays empty)', () => {
  it('empties every appellant column of an anonymous Russian letter but keeps the answer address', () => {
    const r = extractAppeal(
      mail(
        'Прошу не указывать моё имя. Начальник цеха ворует уголь.\nМеня зовут Пётр Сидоров, тел 87011234567\n\nС уважением, Пётр',
        { from: 'p@mail.ru', fromName: 'Пётр Сидоров' },
      ),
    );
    expect(r.anonymous).toBe(true);
    expect(r.anonymityEvidence).toBe('прошу не указывать моё имя');
    expect(r.appellant).toEqual(EMPTY_APPELLANT);
    expect(r.answerAddress).toBe('p@mail.ru');
    expect(r.content).not.toMatch(/Сидоров|Пётр|8701/);
    expect(r.content).toContain('Начальник цеха ворует уголь.');
  });

  it('recognises a Kazakh request «атымды жарияламауыңызды сұраймын»', () => {
    const r = extractAppeal(
      mail(
        'Атымды жарияламауыңызды сұраймын. ЖЭО-2 бастығы жұмысшыларды қорқытады.\nҚұрметпен, Асан',
        { from: 'asan@mail.kz', fromName: 'Асан Асанов' },
      ),
    );
    expect(r.anonymous).toBe(true);
    expect(r.appellant).toEqual(EMPTY_APPELLANT);
    expect(r.answerAddress).toBe('asan@mail.kz');
    expect(r.language).toBe('kk');
  });

  it('recognises an English request and keeps the Reply-To as the answer address only', () => {
    const r = extractAppeal(
      mail(
        'Please keep my name out of it. The shift supervisor falsifies meter readings.\n\nThanks,\nBob Marley',
        {
          from: 'bob@example.com',
          replyTo: 'b.m@example.org',
        },
      ),
    );
    expect(r.anonymous).toBe(true);
    expect(r.appellant.replyAddress).toBeNull();
    expect(r.answerAddress).toBe('b.m@example.org');
  });

  it('recognises «Анонимное обращение» in the subject', () => {
    const r = extractAppeal(mail('Мастер пьёт на смене.', { subject: 'Анонимное обращение' }));
    expect(r.anonymous).toBe(true);
  });

  it.each([
    ['прошу рассмотреть без указания моих данных', true],
    ['Атымды көрсетпеуіңізді өтінемін', true],
    ['Жасырын түрде хабарлаймын', true],
    ["Please don't reveal my identity.", true],
    ['I wish to remain anonymous.', true],
    ['Я пишу анонимно, так как боюсь мести.', true],
    ['This letter is not anonymous, you may use my name.', false],
    ['Обращение не анонимно.', false],
    ['Бұл өтініш жасырын емес.', false],
    ['Анонимные обращения у вас не рассматриваются, поэтому подписываюсь.', false],
    ['Please ensure the confidentiality of this information.', false],
    ['Прошу сохранить конфиденциальность.', false],
    ['Anonymous letters are not considered, so here is my name.', false],
    // requests in other words and orders
    ['Прошу считать мое обращение анонимным.', true],
    ['Прошу считать мое обращение анонимным и не раскрывать данные', true],
    ['Прошу сохранить в тайне мое имя.', true],
    ['Мое имя прошу нигде не указывать.', true],
    ['Аты-жөнімді жария етпеуіңізді сұраймын.', true],
    ['Atymdy jasyryñyz, ötınemın.', true],
    ['Please keep me anonymous. I work there.', true],
    ['Хочу сообщить анонимно о нарушениях на ТЭЦ-2.', true],
    ['Анонимді түрде жазамын, себебі қорқамын.', true],
    ['Мастер пьёт.\nАноним\n', true],
    ['Анонимно: да\nТекст: мастер пьёт', true],
    ['This is an anonymous complaint about the canteen.', true],
    // somebody else's anonymity, a form's "no", talk about anonymous calls
    ['Мне поступил анонимный звонок с угрозами.', false],
    ['Yesterday an anonymous note was left on my desk. I am happy for my name to be used.', false],
    ['Кто-то анонимно пожаловался на меня руководству.', false],
    ['I received an anonymous complaint about me and was fined.', false],
    ['Анонимно: нет\nФИО: Петров Пётр', false],
    ['Прошу разобраться с анонимным звонком мастеру.', false],
  ])('reads %j as anonymous: %s', (text, expected) => {
    expect(findAnonymityRequest(text) !== null).toBe(expected);
  });

  it('keeps the appellant of a letter that says it is not anonymous', () => {
    const r = extractAppeal(
      mail('Это обращение не анонимно, можете указать моё имя. Меня зовут Айгуль Нурланова.'),
    );
    expect(r.anonymous).toBe(false);
    expect(r.appellant.fullName).toBe('Айгуль Нурланова');
  });
});

describe('extractAppeal: the brief content (column 5)', () => {
  // A short letter's sentence is no signature line, whatever word opens it before a comma
  it.each([
    ['Ахметов, начальник цеха ТЭЦ-1, берет взятки.\nЖанар', 'Жанар'],
    ['Пожалуйста, проверьте. На ТЭЦ-1 мастер берет деньги за премии.', null],
    ['Ребята, на ТЭЦ-3 мастер избил рабочего за отказ платить.\nЖанар', 'Жанар'],
    ['На ТЭЦ-2 (ул. Монтажная 5) начальник цеха берет взятки.\nСерик', 'Серик'],
    ['Скажите, это нормально что мастер берет деньги за смены?', null],
    ['Please, check CHP-1. The foreman takes money for bonuses.', null],
  ])('keeps the sentence of %j in the content', (text, name) => {
    const r = extractAppeal(mail(text, { subject: 'жалоба' }));
    expect(r.content).toBe(text.split('\n')[0]);
    expect(r.appellant.fullName).toBe(name);
    expect(r.appellant.address).toBeNull();
  });

  it('still takes name, address and phone lines under a short letter as its signature', () => {
    const r = extractAppeal(
      mail(
        'Мастер берет деньги за допуск.\nИванов И.И.\nг. Алматы, ул. Абая 10, кв. 5.\n8 701 555 44 33',
      ),
    );
    expect(r.content).toBe('Мастер берет деньги за допуск.');
    expect(r.appellant).toMatchObject({ fullName: 'Иванов И.И.', phone: '+77015554433' });
  });

  it('keeps an emoji sequence whole but joins a word a zero-width joiner splits', () => {
    const r = extractAppeal(
      mail('Мастер бе\u200Dрет деньги 🤷\u200D♀️ и молчит 👨\u200D👩\u200D👧.'),
    );
    expect(r.content).toBe('Мастер берет деньги 🤷\u200D♀️ и молчит 👨\u200D👩\u200D👧.');
  });

  it('drops bidirectional controls that would show the content reversed', () => {
    const r = extractAppeal(mail('Мастер \u202Eтрёбует\u202C деньги \u2067за\u2069 подключение.'));
    expect(r.content).toBe('Мастер трёбует деньги за подключение.');
  });

  it('strips an Outlook quoted block from a reply', () => {
    const r = extractAppeal(
      mail(
        [
          'Прошу разобраться, прошло уже 10 дней.',
          '',
          '-----Original Message-----',
          'From: Ombudsman <ombudsman@ales.kz>',
          'Sent: Monday, March 11, 2024 10:00 AM',
          'Subject: Обращение № 12 зарегистрировано',
          '',
          'Ваше обращение зарегистрировано.',
        ].join('\n'),
        { subject: 'RE: Обращение № 12 зарегистрировано', fromName: 'Иванов Иван' },
      ),
    );
    expect(r.content).toBe('Прошу разобраться, прошло уже 10 дней.');
    expect(r.appellant.fullName).toBe('Иванов Иван');
  });

  it('strips "On … wrote:" history and "> " lines', () => {
    const r = extractAppeal(
      mail(
        [
          'Thank you, here are the photos you asked for.',
          '',
          'On Mon, 11 Mar 2024 at 10:00, Ombudsman AlES <ombudsman@ales.kz>',
          'wrote:',
          '> Your appeal No. 12 has been registered.',
          '> Phone +7 (727) 227 70 80',
        ].join('\n'),
      ),
    );
    expect(r.content).toBe('Thank you, here are the photos you asked for.');
    expect(r.appellant.phone).toBeNull();
  });

  it('strips Russian «… пишет:» and Gmail-style «…, Имя <адрес>:» history', () => {
    for (const header of [
      '12.03.2024, 10:15, "Омбудсмен АлЭС" <ombudsman@ales.kz> пишет:',
      'пн, 11 мар. 2024 г. в 10:00, Омбудсмен <ombudsman@ales.kz>:',
      '2024 ж. 11 нау., 10:00 Омбудсмен <ombudsman@ales.kz> жазды:',
    ]) {
      const r = extractAppeal(
        mail(`Дополняю: свидетели есть.\n\n${header}\n> Ваше обращение № 12`),
      );
      expect(r.content).toBe('Дополняю: свидетели есть.');
    }
  });

  it('uses the forwarded letter when the writer forwarded it without a word', () => {
    const r = extractAppeal(
      mail(
        [
          '',
          '-------- Пересылаемое сообщение --------',
          'От: Someone <s@x.kz>',
          'Дата: 01.04.2024',
          'Тема: жалоба',
          '',
          'Сотрудники ТЭЦ-3 берут взятки.',
        ].join('\n'),
        { subject: 'Fwd: жалоба', from: 'fwd@x.kz' },
      ),
    );
    expect(r.content).toBe('Сотрудники ТЭЦ-3 берут взятки.');
  });

  it('reads the columns of a bare forward from the forwarded letter, and answers its sender', () => {
    const r = extractAppeal(
      mail(
        [
          '________________________________',
          'От: Абилов Марат <marat.abilov58@mail.ru>',
          'Отправлено: 25 ноября 2026 г. 16:40',
          'Кому: kense@ales.kz',
          'Тема: Жалоба жителя',
          '',
          'Работники ТЭЦ-2 сливают мазут в арык возле нашего дома.',
          '',
          'Тел. 8 701 456 78 90',
        ].join('\n'),
        { subject: 'FW: Жалоба жителя', from: 's.kozh@ales.kz', fromName: 'Кожахметова Сауле' },
      ),
    );
    expect(r.appellant).toMatchObject({
      fullName: 'Абилов Марат',
      phone: '+77014567890',
      replyAddress: 'marat.abilov58@mail.ru',
    });
    expect(r.answerAddress).toBe('s.kozh@ales.kz');
    expect(r.content).toBe('Работники ТЭЦ-2 сливают мазут в арык возле нашего дома.');
  });

  it('keeps only the writer’s words when a forward has a comment', () => {
    const r = extractAppeal(
      mail(
        'Пересылаю письмо, на которое мне так и не ответили.\n\n---------- Forwarded message ---------\nFrom: X <x@y.kz>\n\nТекст старого письма',
      ),
    );
    expect(r.content).toBe('Пересылаю письмо, на которое мне так и не ответили.');
  });

  it('reads text derived from HTML', () => {
    const r = extractAppeal(
      mail(
        '<div>Здравствуйте!&nbsp;Сотрудник требует взятку за подключение.</div><div><br></div>' +
          '<div>С уважением,<br>Ким Ольга<br>моб.: <a href="tel:+77015556677">+7 701 555 66 77</a></div>',
        { from: 'kim@mail.kz' },
      ),
    );
    expect(r.content).toBe('Здравствуйте! Сотрудник требует взятку за подключение.');
    expect(r.appellant.fullName).toBe('Ким Ольга');
    expect(r.appellant.phone).toBe('+77015556677');
  });

  it('drops the "-- " signature and a "Sent from my" line', () => {
    const r = extractAppeal(
      mail(
        'Overtime is not paid at Cascade HPP.\n\nSent from my Galaxy\n-- \nAlex Brown\nCascade HPP',
      ),
    );
    expect(r.content).toBe('Overtime is not paid at Cascade HPP.');
    expect(r.appellant.fullName).toBe('Alex Brown');
  });

  it('caps long content at a word boundary with an ellipsis', () => {
    const long = 'Сотрудники нарушают правила техники безопасности. '.repeat(20);
    const r = extractAppeal(mail(long), { maxContentChars: 100 });
    expect(r.content.length).toBeLessThanOrEqual(100);
    expect(r.content.endsWith('…')).toBe(true);
    expect(r.content).toMatch(/^Сотрудники нарушают правила техники безопасности\. Сотрудники/);
    expect(r.content).not.toMatch(/\s…$/);
  });

  it('caps at 2000 characters by default', () => {
    const r = extractAppeal(mail('слово '.repeat(1000)));
    expect(r.content.length).toBeLessThanOrEqual(2000);
  });

  it('collapses whitespace', () => {
    const r = extractAppeal(mail('Прошу   проверить\n\n\tсклад   ЖЭО-1.'));
    expect(r.content).toBe('Прошу проверить склад ЖЭО-1.');
  });

  it('falls back to the subject, without its Re:/Fwd: prefix, when the body is empty', () => {
    const r = extractAppeal(mail('\n\nОтправлено с iPhone', { subject: 'Fwd: Взятки на ТЭЦ-2' }));
    expect(r.content).toBe('Взятки на ТЭЦ-2');
  });

  it('falls back to a placeholder when there is neither text nor subject', () => {
    const r = extractAppeal({ text: '', subject: 'Re: ', from: null, replyTo: null });
    expect(r.content).toBe('(no text)');
    expect(r.appellant).toEqual(EMPTY_APPELLANT);
    expect(r.answerAddress).toBeNull();
    expect(r.mixed).toBe(true);
  });
});

describe('extractAppeal: the name (column 3)', () => {
  it('reads a name that shares its signature line with the phone', () => {
    const r = extractAppeal(
      mail('Мастер требует деньги за подключение.\n\nС уважением,\nСергей Никитин 8 705 600 70 80'),
    );
    expect(r.appellant.fullName).toBe('Сергей Никитин');
    expect(r.appellant.phone).toBe('+77056007080');
  });

  it('reads a name and phone that close the last line of the letter', () => {
    const r = extractAppeal(
      mail(
        'Охранник на проходной ТЭЦ-1 пропускает машины без досмотра за деньги. Омаров Кайрат, 8-701-321-65-43',
      ),
    );
    expect(r.appellant.fullName).toBe('Омаров Кайрат');
    expect(r.appellant.phone).toBe('+77013216543');
  });

  it('takes the From name when it says more of the person the letter signs', () => {
    const signed = (fromName: string) =>
      extractAppeal(mail('Мастер снова требовал деньги.\n\nОлжас', { fromName })).appellant
        .fullName;
    expect(signed('Олжас Абдрахманов')).toBe('Олжас Абдрахманов');
    expect(signed('Ерлан Сапаров')).toBe('Олжас');
  });
});

describe('extractAppeal: the reply address (column 7)', () => {
  it('takes an e-mail the writer asks the reply to be sent to', () => {
    const r = extractAppeal(
      mail('Прошу проверить. Ответ прошу направить на электронную почту: my.private@gmail.com', {
        from: 'work@company.kz',
      }),
    );
    expect(r.appellant.replyAddress).toBe('my.private@gmail.com');
    expect(r.answerAddress).toBe('my.private@gmail.com');
  });

  it('takes a Kazakh postal reply address «жауапты … мекенжайына жіберуіңізді сұраймын»', () => {
    const r = extractAppeal(
      mail(
        'ЖЭО-3 кассасында кезек өте ұзақ. Жауапты Алматы қ., Сейфуллин даңғылы 500, 12 пәтер мекенжайына жіберуіңізді сұраймын.',
        { from: 'k@mail.kz' },
      ),
    );
    expect(r.appellant.replyAddress).toBe('Алматы қ., Сейфуллин даңғылы 500, 12 пәтер');
    expect(r.answerAddress).toBe('k@mail.kz');
  });

  it('takes an English postal reply address', () => {
    const r = extractAppeal(
      mail('Please send the reply to: 5 Abay Ave, apt 10, Almaty 050000. Thank you.', {
        from: 'x@example.com',
      }),
    );
    expect(r.appellant.replyAddress).toBe('5 Abay Ave, apt 10, Almaty 050000');
  });

  it('keeps a post-office box «а/я» in a postal reply address', () => {
    const r = extractAppeal(
      mail('Прошу проверить. Ответ прошу направить на почтовый адрес: 050010, г. Алматы, а/я 125'),
    );
    expect(r.appellant.replyAddress).toBe('050010, г. Алматы, а/я 125');
  });
});

describe('extractAppeal: the home address (column 4)', () => {
  it('takes an English "My address:" label inside a sentence line', () => {
    const r = extractAppeal(
      mail('The meter reader was rude to me. My address: 12 Baker Street, Apt. 4, London NW1 6XE.'),
    );
    expect(r.appellant.address).toBe('12 Baker Street, Apt. 4, London NW1 6XE');
  });
});

describe('extractAppeal: more letters', () => {
  it('reads «ТОО «…» в лице директора» in a formal opening', () => {
    const r = extractAppeal(
      mail(
        'ТОО «Жетысу Трейд» в лице директора Омарова Е.К. сообщает, что сотрудники отдела закупок требуют откат.\n\nДиректор Омаров Ерлан',
        { fromName: 'Жетысу Трейд' },
      ),
    );
    expect(r.appellant).toMatchObject({ legalForm: 'ТОО', orgName: 'Жетысу Трейд' });
  });

  it('does not take the organisation of the person complained about, even next to «представитель»', () => {
    const r = extractAppeal(
      mail(
        'Представитель ТОО «Ромашка» угрожал нашему мастеру. Прошу разобраться.\n\nС уважением, Иван Орлов',
      ),
    );
    expect(r.appellant.orgName).toBeNull();
  });

  it('reads column 6 from the From display name of a company mailbox', () => {
    const r = extractAppeal(
      mail('Просим сообщить, почему оплата по акту задерживается на три месяца.', {
        from: 'buh@romashka.kz',
        fromName: 'ТОО "Ромашка"',
      }),
    );
    expect(r.appellant).toMatchObject({ fullName: null, legalForm: 'ТОО', orgName: 'Ромашка' });
  });

  it('reads a Kazakh letter typed without Kazakh letters as Kazakh', () => {
    const r = extractAppeal(
      mail(
        'Салеметсиз бе! Мен ЖЭО-2 де жумыс истеймин. Бизге уш ай бойы жалакы толемеди, бастыгымыз жауап бермейди.\nКурметпен, Ерлан',
      ),
    );
    expect(r.language).toBe('kk');
    expect(r.appellant.fullName).toBe('Ерлан');
    expect(r.content).not.toContain('Курметпен');
  });

  it('marks a letter half in Kazakh, half in Russian as mixed', () => {
    const r = extractAppeal(
      mail(
        'Сәлеметсіз бе! Менің жалақым екі ай бойы төленбеді. Прошу разобраться, бухгалтерия не отвечает.',
      ),
    );
    expect(r.mixed).toBe(true);
  });

  it('takes a signature «С уважением, аноним» as a request for anonymity', () => {
    const r = extractAppeal(
      mail('Начальник смены приходит пьяным.\n\nС уважением, аноним', { fromName: 'Марат Беков' }),
    );
    expect(r.anonymous).toBe(true);
    expect(r.appellant.fullName).toBeNull();
  });

  it('leaves the signature of an anonymous writer out of the content, position line included', () => {
    const r = extractAppeal(
      mail(
        'Начальник лаборатории заставляет подписывать акты о проверках, которые не проводились. Прошу сохранить мою анонимность.\nИбраева Жанар Кайратовна\nЖЭО-2, лаборант химцеха\n8 701 303 40 50',
        { fromName: 'Ибраева Жанар' },
      ),
    );
    expect(r.anonymous).toBe(true);
    expect(r.content).toBe(
      'Начальник лаборатории заставляет подписывать акты о проверках, которые не проводились. Прошу сохранить мою анонимность.',
    );
  });

  it('redacts an IIN and an IP address in the content of an anonymous letter', () => {
    const r = extractAppeal(
      mail(
        'Прошу не указывать моё имя. Мой ИИН 900101300123, форма с IP 95.56.12.34. Мастер берёт деньги.',
      ),
    );
    expect(r.anonymous).toBe(true);
    expect(r.content).toBe(
      'Прошу не указывать моё имя. Мой ИИН [***], форма с IP [***]. Мастер берёт деньги.',
    );
  });

  it('keeps a short last line of the letter that stands above no name', () => {
    const r = extractAppeal(mail('Мастер пьёт на смене.\nПрошу принять меры\n8 701 303 40 50'));
    expect(r.content).toBe('Мастер пьёт на смене. Прошу принять меры');
  });

  it('keeps an English writer who says they are not anonymous', () => {
    const r = extractAppeal(
      mail('I am not anonymous and I am ready to testify.\n\nRegards,\nSarah Connor', {
        from: 'sarah@example.com',
      }),
    );
    expect(r.anonymous).toBe(false);
    expect(r.appellant.fullName).toBe('Sarah Connor');
  });

  it('keeps a trailing "Thank you" line that is part of the message, not a sign-off', () => {
    const r = extractAppeal(
      mail(
        'The canteen at CHP-2 is dirty.\nThank you for finally replacing the manager, it helped.',
      ),
    );
    expect(r.content).toContain('it helped');
  });

  it('prefers the phone in the signature over a phone mentioned in the complaint', () => {
    const r = extractAppeal(
      mail(
        'Мастер Ахметов (тел. 8 701 111 22 33) требует деньги.\n\nС уважением, Ким Ольга\nмоб. 8 777 999 88 77',
      ),
    );
    expect(r.appellant.phone).toBe('+77779998877');
  });
});

// rules 4.14 c: column c is the writer's, never the accused's or an office's
describe('extractAppeal: whose phone (column 4)', () => {
  it.each([
    [
      'Мастер берет взятки. Можете позвонить ему: 87011112233. Мой телефон 87774445566.',
      '+77774445566',
    ],
    [
      'Шебер пара алады, оның телефоны 8 701 111 22 33. Менің телефоным 8 777 444 55 66',
      '+77774445566',
    ],
    [
      'The foreman takes bribes, his number is +7 701 111 22 33. My number: +7 777 444 55 66',
      '+77774445566',
    ],
    [
      'Мастер Жаксылыков (тел. 8 701 111 22 33) берет взятки. Звоните мне: 8 777 444 55 66',
      '+77774445566',
    ],
    [
      'Мастер берет взятки, деньги переводить на Kaspi по номеру 8 707 999 88 77 (жена начальника).',
      null,
    ],
    ['Мастер берет взятки. Мне звонили с номера 8 707 999 88 77 и угрожали.', null],
    ['Начальник ТЭЦ-2 берет взятки, тел. приемной 8 727 200 00 00.', null],
    [
      'Мастер берет взятки. Телефон для связи со мной: +7 777 444 55 66 (WhatsApp).',
      '+77774445566',
    ],
    ['Мастер берет взятки. Если что, 8 777 444 55 66.', '+77774445566'],
    ['Мастер Жаксылыков (тел. 8 701 111 22 33) берет взятки.', null],
  ])('reads %j', (text, phone) => {
    expect(extractAppeal(mail(`${text}\nАбенов Тимур`)).appellant.phone).toBe(phone);
  });
});

describe('extractAppeal: the reply e-mail the writer asks for (column 7)', () => {
  it.each([
    'Ответ прошу направить на мою личную почту almas.private@gmail.com',
    'Ответ пришлите на almas.private@gmail.com',
    'Не отвечайте на этот адрес, его читает начальник. Пишите на almas.private@gmail.com',
    'Жауапты almas.private@gmail.com поштасына жіберіңіз.',
    'Please reply to my private address almas.private@gmail.com, not this one.',
  ])('answers %j there, not to the work mailbox', (text) => {
    const r = extractAppeal(
      mail(`Мастер берет взятки. ${text}\nАлмас`, { from: 'almas.work@ales.kz' }),
    );
    expect(r.answerAddress).toBe('almas.private@gmail.com');
    expect(r.appellant.replyAddress).toBe('almas.private@gmail.com');
  });

  it.each([
    'Его почта ivanov@ales.kz, он отвечает за закупки.',
    'Ответ на мой прошлый запрос пришёл с адреса info@ales.kz.',
  ])('does not take somebody else’s e-mail from %j', (text) => {
    const r = extractAppeal(mail(`Мастер берет взятки. ${text}`, { from: 'me@mail.kz' }));
    expect(r.answerAddress).toBe('me@mail.kz');
  });

  it('ends a postal reply address with its line, not with the name under it', () => {
    const r = extractAppeal(
      mail(
        'Мастер берет взятки. Ответ прошу направить по адресу: 050000, г. Алматы, пр. Абылай хана, 79, кв. 3\nИванов Иван',
      ),
    );
    expect(r.appellant.replyAddress).toBe('050000, г. Алматы, пр. Абылай хана, 79, кв. 3');
  });
});

describe('extractAppeal: more anonymity requests (rules 4.14)', () => {
  it.each([
    'Имя своё указывать не буду.',
    'Пожалуйста, не раскрывайте кто я.',
    'Не хочу чтобы моё имя где-то фигурировало, поэтому не подписываюсь.',
    'Не хочу раскрывать свою личность.',
    'Данные о себе не указываю, боюсь.',
    'Я анонимный источник.',
    'Proshu ne ukazyvat moe imya.',
    'Boyus mesti poetomu bez imeni.',
    'Менин атымды корсетпениздерши отинемин.',
    'Аноним болып қалғым келеді.',
    "I'd rather not give my name.",
    "I don't want to be identified.",
    'I wish to stay nameless.',
  ])('reads %j as a request', (request) => {
    const r = extractAppeal(
      mail(`${request} На ТЭЦ-1 мастер берет деньги.\nСерик`, { fromName: 'Серик Ахметов' }),
    );
    expect(r.anonymous).toBe(true);
    expect(r.appellant).toEqual(EMPTY_APPELLANT);
  });

  // confidentiality is every appellant's (rules 4.9): asking for it towards somebody is no anonymity
  it.each([
    'Не указывайте мои данные руководству цеха.',
    'Прошу не передавать мои данные проверяемым лицам.',
    'Его имя не буду называть, вы его знаете.',
  ])('keeps the writer named in %j', (text) => {
    const r = extractAppeal(
      mail(`${text} На ТЭЦ-1 мастер берет деньги.\nИванов Сергей\n87011112233`),
    );
    expect(r.anonymous).toBe(false);
    expect(r.appellant).toMatchObject({ fullName: 'Иванов Сергей', phone: '+77011112233' });
  });

  it.each([
    [
      'Я слесарь ЖЭО-1, Оразбаев Бекзат Маратович. Прошу сохранить анонимность.',
      'Бекзат Оразбаев',
      ['Оразбаев', 'Бекзат', 'Маратович'],
    ],
    [
      'Атымды жарияламауыңызды сұраймын. Мен Сәрсенова Гүлнар, ЖЭО-2 зертханасында істеймін.',
      'Гүлнар',
      ['Сәрсенова', 'Гүлнар'],
    ],
    [
      'Прошу не раскрывать мои данные. Жаксылыкову Ерлану можно позвонить.',
      'Ерлан Жаксылыков',
      ['Жаксылыкову', 'Ерлану'],
    ],
    ['Прошу рассмотреть анонимно. Моя фамилия Ким.', null, ['Ким']],
    ['Пишу анонимно. Если нужно, я — Серик из котельного цеха.', null, ['Серик']],
  ])('takes the writer’s name out of anonymous content %j', (text, fromName, words) => {
    const r = extractAppeal(mail(`${text} Начальник цеха берет деньги.`, { fromName }));
    expect(r.anonymous).toBe(true);
    for (const w of words) expect(r.content).not.toContain(w);
    expect(r.content).toContain('Начальник цеха берет деньги.');
  });
});

describe('extractAppeal: addresses (column 4)', () => {
  it.each([
    ['проживаю: г.Алматы, пр.Райымбека 221А, кв.4', 'г.Алматы, пр.Райымбека 221А, кв.4'],
    ['г. Алматы, мкр. 8, д. 4а, кв. 12', 'г. Алматы, мкр. 8, д. 4а, кв. 12'],
    [
      'Адрес: Алматы қ., Шаңырақ-2 ш.а., Жанқожа батыр көшесі, 12-үй',
      'Алматы қ., Шаңырақ-2 ш.а., Жанқожа батыр көшесі, 12-үй',
    ],
  ])('keeps a letter after a number and inner abbreviations in %j', (line, address) => {
    expect(
      extractAppeal(mail(`Мастер берет взятки.\nИванов Иван\n${line}`)).appellant.address,
    ).toBe(address);
  });

  it('does not take the accused’s address from a sentence above the signature', () => {
    const r = extractAppeal(
      mail('Мастер берет взятки, живет по адресу ул. Рыскулова 45, кв. 2.\nИванов Иван'),
    );
    expect(r.appellant.address).toBeNull();
    expect(r.content).toBe('Мастер берет взятки, живет по адресу ул. Рыскулова 45, кв. 2.');
  });

  it('reads an IIN line as part of the signature', () => {
    const r = extractAppeal(mail('Мастер берет взятки.\nАбенов Тимур\nИИН 880512300456'));
    expect(r.appellant.fullName).toBe('Абенов Тимур');
    expect(r.content).toBe('Мастер берет взятки.');
  });
});

describe('extractAppeal: what mail systems add under the letter', () => {
  it.each([
    ['a Mail.ru footer after the delimiter', '-- \nОтправлено из Почты Mail.ru'],
    [
      'Outlook for Android in Russian',
      'Получить Outlook для Android\n----------------------------------------',
    ],
    [
      'an English disclaimer',
      'CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended solely for the addressee.',
    ],
    [
      'a Russian disclaimer',
      'КОНФИДЕНЦИАЛЬНОСТЬ: Данное сообщение и все приложения к нему являются конфиденциальными.',
    ],
    [
      'a disclaimer without a label',
      'Данное сообщение и все вложения к нему являются конфиденциальными и предназначены исключительно для адресата.',
    ],
  ])('keeps the signature out of the content under %s', (_, footer) => {
    const r = extractAppeal(
      mail(`Мастер ТЭЦ-2 Исаев требует деньги за премию.\nБекова Алия\n8 702 102 10 20\n${footer}`),
    );
    expect(r.content).toBe('Мастер ТЭЦ-2 Исаев требует деньги за премию.');
    expect(r.appellant).toMatchObject({ fullName: 'Бекова Алия', phone: '+77021021020' });
  });

  it('reads a clear-signed PGP letter without its armour', () => {
    const r = extractAppeal(
      mail(
        [
          '-----BEGIN PGP SIGNED MESSAGE-----',
          'Hash: SHA256',
          '',
          'Начальник цеха Кенжебаев возит пассажиров на служебном автобусе за плату.',
          '- -- ',
          'Алиев Тимур',
          '-----BEGIN PGP SIGNATURE-----',
          '',
          'iHUEARYIAB0WIQSk+4U6Cq9A1kxHe0PDTTIy3/fqhgUCawf/4wAKCRDDTTIy3/fq',
          '=Xb2K',
          '-----END PGP SIGNATURE-----',
        ].join('\n'),
        { fromName: 'Timur Aliyev' },
      ),
    );
    expect(r.content).toBe(
      'Начальник цеха Кенжебаев возит пассажиров на служебном автобусе за плату.',
    );
    expect(r.appellant.fullName).toBe('Алиев Тимур');
    expect(r.language).toBe('ru');
    expect(r.mixed).toBe(false);
  });
});

describe('extractAppeal: a company’s signature (columns 3 and 6)', () => {
  it.each([
    ['Директор ТОО «АлматыЭнергоСнаб»\nКасымов Р.Т.', 'Касымов Р.Т.', 'ТОО', 'АлматыЭнергоСнаб'],
    ['Иванов Иван\nинженер ТОО «СтройМонтаж»', 'Иванов Иван', 'ТОО', 'СтройМонтаж'],
    ['АО «Казахтелеком», Касенова А., менеджер', 'Касенова А.', 'АО', 'Казахтелеком'],
    ['ИП Сейітов Н.А.\n8 701 555 66 77', 'Сейітов Н.А.', 'ИП', 'Сейітов Н.А.'],
    ['КСК «Жетысу-3», председатель Ким В.', 'Ким В.', null, null],
  ])('reads %j', (signature, name, legalForm, orgName) => {
    const r = extractAppeal(mail(`Начальник цеха требовал взятку.\n\n${signature}`));
    expect(r.appellant).toMatchObject({ fullName: name, legalForm, orgName });
    expect(r.content).toBe('Начальник цеха требовал взятку.');
  });

  it('reads «Директор Касымов Р.Т.» under a letter a company writes', () => {
    const r = extractAppeal(
      mail(
        'ТОО «АлматыЭнергоСнаб» сообщает, что начальник цеха требовал взятку.\nДиректор Касымов Р.Т.',
      ),
    );
    expect(r.appellant.fullName).toBe('Касымов Р.Т.');
  });

  it.each(['ТОО Ромашка', 'Steppe Logistics LLP', 'Ахметова А. Б., Омбудсмен АО «АлЭС»'])(
    'takes no person from %j',
    (line) => {
      expect(
        extractAppeal(mail(`Начальник цеха требовал взятку.\n${line}`)).appellant.fullName,
      ).toBeNull();
    },
  );
});

describe('extractAppeal: names a careful clerk would write (column 3)', () => {
  it.each([
    ['a unit under a post', 'На ТЭЦ-1 мастер берет деньги.\nБлагодарю.\nИнженер ПТО', null, null],
    ['a Kazakh sign-off before the name', 'Бастық пара алады.\nСәлеммен, Айжан', null, 'Айжан'],
    [
      'a contact-person label',
      'Просим проверить.\nКонтактное лицо: Омаров Ерболат, 8 777 301 22 11',
      null,
      'Омаров Ерболат',
    ],
    ['an office mailbox', 'Тариф туралы ақпарат беруіңізді сұраймыз.', 'Кеңсе', null],
    ['a form user', 'Просим проверить взятку.', 'Пользователь', null],
    ['a lawyer’s title', 'Просим проверить взятку.', 'Адвокат Ибраев К.М.', 'Ибраев К.М.'],
    [
      'a first name signed short',
      'The manager takes bribes.\nRegards,\nMike',
      'Michael Brown',
      'Michael Brown',
    ],
    [
      'a name in capitals',
      'ЖАЛОБА НА НАЧАЛЬНИКА ЦЕХА. БЕРЕТ ВЗЯТКИ.\nИВАНОВ ИВАН',
      null,
      'Иванов Иван',
    ],
    ['a code in capitals', 'Connection lost.\nETIMEDOUT', null, null],
  ])('%s', (_, text, fromName, name) => {
    expect(extractAppeal(mail(text, { fromName })).appellant.fullName).toBe(name);
  });

  it('keeps a different first name under another person’s From', () => {
    const r = extractAppeal(
      mail('The manager takes bribes.\nRegards,\nAnna', { fromName: 'Michael Brown' }),
    );
    expect(r.appellant.fullName).toBe('Anna');
  });
});

describe('extractAppeal: postal reply addresses and addresses of what the letter is about', () => {
  it.each([
    'Ответ прошу направить письменно по почтовому адресу: 040800, г. Конаев, ул. Абая 12, кв. 3',
    'Прошу сообщить о результатах по адресу: 040800, г. Конаев, ул. Абая 12, кв. 3',
    'Ответ прошу прислать почтой на адрес: 040800, г. Конаев, ул. Абая 12, кв. 3.',
  ])('takes the reply address from %j', (sentence) => {
    const r = extractAppeal(mail(`Мастер берет взятки. ${sentence}\nИванов Иван`));
    expect(r.appellant.replyAddress).toBe('040800, г. Конаев, ул. Абая 12, кв. 3');
    expect(r.appellant.fullName).toBe('Иванов Иван');
  });

  it('does not take «Адрес ТЭЦ-3: …» as the writer’s address', () => {
    const r = extractAppeal(
      mail(
        'На ТЭЦ-3 мастер избил рабочего за отказ платить.\nАдрес ТЭЦ-3: ул. Монтажная 1.\nЖанар',
      ),
    );
    expect(r.appellant.address).toBeNull();
    expect(r.appellant.fullName).toBe('Жанар');
  });
});

it('reads a post, name and phone closing a one-line letter as the writer’s', () => {
  const r = extractAppeal(
    mail(
      'ТОО «Жетысу Энерго» сообщает: сотрудник АлЭС Сапаров А. потребовал 5% за ускорение оплаты. Главный бухгалтер Ахметжанова Г.С., тел. 8 (7282) 41-22-33',
    ),
  );
  expect(r.appellant).toMatchObject({ fullName: 'Ахметжанова Г.С.', phone: '+77282412233' });
});

describe('extractAppeal: who is answered without being told', () => {
  it('answers the writer, not a shared Reply-To mailbox of their company (rules 4.9)', () => {
    const r = extractAppeal(
      mail('Мой начальник домогается меня.', {
        from: 'a.nurlanova@almaty-kabel.kz',
        replyTo: 'sales@almaty-kabel.kz',
      }),
    );
    expect(r.answerAddress).toBe('a.nurlanova@almaty-kabel.kz');
  });

  it('answers a web form’s visitor in Reply-To, though From is the form’s robot', () => {
    const r = extractAppeal(
      mail('Мастер берет деньги.', { from: 'noreply@site.kz', replyTo: 'visitor@mail.ru' }),
    );
    expect(r.answerAddress).toBe('visitor@mail.ru');
  });
});

it('reads a name typed with Latin look-alike letters («Coколов Андpей»)', () => {
  const r = extractAppeal(mail('Начальник cмены беpет деньги.\nCoколов Андpей Петрович'));
  expect(r.appellant.fullName).toBe('Соколов Андрей Петрович');
  expect(r.content).toBe('Начальник смены берет деньги.');
});

it('reads a form’s «Имя:» field', () => {
  const r = extractAppeal(
    mail('Имя: Каримова Диляра\nТелефон: 87018408484\nСообщение: Мастер продает путевки.'),
  );
  expect(r.appellant.fullName).toBe('Каримова Диляра');
});

// From re-running the sweeps on this session's code, and a fifth sweep
describe('extractAppeal: lines that say something are not a signature', () => {
  it('keeps a list item naming a company and a person in the content', () => {
    const r = extractAppeal(
      mail(
        'Ниже перечень фактов:\n1) 03.10.2026 — начальник ПТО Ибраев подписал акт на 12 млн тг.\n2) 05.11.2026 — директор ТОО «СпецРемСтрой» Ибраева Л. — супруга начальника ПТО.\n\nАхметова Камила\n+7 (700) 111 22 33',
      ),
    );
    expect(r.appellant).toMatchObject({
      fullName: 'Ахметова Камила',
      legalForm: null,
      orgName: null,
    });
    expect(r.content).toContain('супруга начальника ПТО.');
  });

  it('keeps a sentence ending in a company’s quoted name', () => {
    const r = extractAppeal(
      mail('Начальник цеха требовал взятку у сотрудников ТОО «СтройМонтаж».\nИванов Иван'),
    );
    expect(r.content).toBe('Начальник цеха требовал взятку у сотрудников ТОО «СтройМонтаж».');
    expect(r.appellant).toMatchObject({ fullName: 'Иванов Иван', orgName: null });
  });

  it('reads a Kazakh address ending «12 пәт.» under the name', () => {
    const r = extractAppeal(
      mail('Мастер берет взятки.\nИванов Иван\nАлматы қ., Абай даңғ., 150/2 үй, 12 пәт.'),
    );
    expect(r.appellant).toMatchObject({
      fullName: 'Иванов Иван',
      address: 'Алматы қ., Абай даңғ., 150/2 үй, 12 пәт',
    });
    expect(r.content).toBe('Мастер берет взятки.');
  });

  it('takes no name from «Мой тел. …» or «Байланыс: …»', () => {
    expect(
      extractAppeal(mail('Начальник вымогает деньги. Мой тел. 87012223344')).appellant.fullName,
    ).toBeNull();
    expect(
      extractAppeal(mail('Бастық пара алады.\nБайланыс: 8 705 987 65 43')).appellant.fullName,
    ).toBeNull();
  });

  it('reads «Мен, …» on the line under a heading', () => {
    const r = extractAppeal(
      mail(
        'ӨТІНІШ\n\nМен, Жұмабаева Гүлнар Серікқызы, ЖЭО-1 лаборантымын. Бастық дөрекі сөйлейді.',
      ),
    );
    expect(r.appellant.fullName).toBe('Жұмабаева Гүлнар Серікқызы');
  });
});

describe('extractAppeal: an address the writer only mentions is not where to answer', () => {
  it.each([
    'Писал в hr@ales.kz, никто не ответил. Начальник цеха берёт взятки.',
    'Я уже писал на почту директора director.tec1@ales.kz, ответа нет.',
    'Мен director.tec1@ales.kz поштасына жаздым, жауап болмады.',
    'I wrote to hr@ales.kz and got no answer.',
  ])('answers the sender of %j', (text) => {
    const r = extractAppeal(mail(`${text}\nИванов Петр`, { from: 'petr@mail.ru' }));
    expect(r.answerAddress).toBe('petr@mail.ru');
  });
});

it('keeps a Kazakh writer named who asks to keep the name from the shop head (rules 4.9)', () => {
  const r = extractAppeal(
    mail(
      'Цех бастығы дөрекі сөйлейді.\nМенің атымды цех бастығына айтпауыңызды сұраймын.\nЖұмабаева Гүлнар\n8 705 987 65 43',
    ),
  );
  expect(r.anonymous).toBe(false);
  expect(r.appellant).toMatchObject({ fullName: 'Жұмабаева Гүлнар', phone: '+77059876543' });
});

it('reads a letter pasted twice over itself once (column 5)', () => {
  const letter = 'Мастер берет деньги за допуск.\nПрошу разобраться.';
  const r = extractAppeal(mail(`${letter}\n\n${letter}\nИванов Иван`));
  expect(r.content).toBe('Мастер берет деньги за допуск. Прошу разобраться.');
  expect(extractAppeal(mail('Да.\nДа.\nНет.')).content).toBe('Да. Да. Нет.');
});

it('reads a letter typed without spaces after punctuation, links and addresses untouched', () => {
  const r = extractAppeal(
    mail(
      'Инженер Сапаров,при проверке бригады,требовал по 15000 тенге.Это было 12.11.2026.Я готов подтвердить, пишите на Aigerim.N@Mail.KZ или https://x.kz/A.Bc сегодня.С уважением,Ким Олег Викторович.',
    ),
  );
  expect(r.appellant.fullName).toBe('Ким Олег Викторович');
  expect(r.content).toContain(
    'Инженер Сапаров, при проверке бригады, требовал по 15000 тенге. Это было 12.11.2026. Я готов подтвердить',
  );
  expect(r.content).toContain('Aigerim.N@Mail.KZ или https://x.kz/A.Bc сегодня.');
});
