import { EMPTY_APPELLANT } from '../../src/cases/appeal.models.js';
import type { NewEntry } from '../../src/cases/journal.repository.js';

/** A plausible phone entry; tests override what they are about. */
export function newEntry(overrides: Partial<NewEntry> = {}): NewEntry {
  return {
    receivedAt: new Date('2026-10-05T04:30:00.000Z'),
    channel: 'phone',
    anonymous: false,
    appellant: {
      ...EMPTY_APPELLANT,
      fullName: 'Иванов Иван Иванович',
      phone: '+77011234567',
      address: 'г. Алматы, ул. Абая 10, кв. 5',
    },
    answerAddress: null,
    content: 'Мастер участка требует деньги за допуск к работе',
    language: 'ru',
    mixedLanguage: false,
    scope: 'in',
    category: 'corruption',
    evidence: ['ru:деньги → corruption'],
    site: null,
    dueDate: '2026-10-27',
    backlog: false,
    ...overrides,
  };
}
