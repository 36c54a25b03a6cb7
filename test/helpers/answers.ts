/** Shared by the suites that build real answers: the answer policy the tests assume. */
import type { AnswerDeps } from '../../src/notify/answers.js';

export function answersConfig(overrides: Partial<AnswerDeps['config']> = {}): AnswerDeps['config'] {
  return {
    from: 'ombudsman@ales.kz',
    ombudsmanEmail: null,
    chairmanEmail: null,
    rateLimitPerDay: 5,
    timeZone: 'Asia/Almaty',
    ombudsman: { name: null, title: null },
    dmarcFailBlocks: true,
    ...overrides,
  };
}
