import { describe, expect, it } from 'vitest';
import { parseInstantFlag } from '../src/cli/io.js';
import { InputError } from '../src/errors.js';

/** The calendar zone's local time, as Asia/Almaty has it since March 2024. */
const almaty = (local: string) => new Date(`${local}+05:00`);
const parse = (value: string) => parseInstantFlag('--received-at', value, almaty).toISOString();

// contract: `senim phone --received-at ISO-8601`
describe('--received-at', () => {
  it.each([
    ['2026-11-26T10:00+05:00', '2026-11-26T05:00:00.000Z'],
    ['2026-11-26T10:00+05', '2026-11-26T05:00:00.000Z'],
    ['2026-11-26T10:00+0500', '2026-11-26T05:00:00.000Z'],
    ['2026-11-26T10:00:30.5-03:00', '2026-11-26T13:00:30.500Z'],
    ['2026-11-26T10:00Z', '2026-11-26T10:00:00.000Z'],
    ['2026-11-26 10:00', '2026-11-26T05:00:00.000Z'],
    ['2026-11-26', '2026-11-25T19:00:00.000Z'],
  ])('reads %s', (value, instant) => {
    expect(parse(value)).toBe(instant);
  });

  it.each(['2026-11-26T10:00+5', '2026-11-26-05', '2026-02-30T10:00', 'yesterday', '26.11.2026'])(
    'refuses %s as bad input',
    (value) => {
      expect(() => parse(value)).toThrow(InputError);
    },
  );
});
