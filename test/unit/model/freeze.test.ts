/** Freeze windows: the namespace annotation, recurring windows with time zones and DST, and how they answer. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freezeAt, parseFreezeAnnotation, parseFreezeConfig, type RecurringFreeze } from '../../../src/model/freeze.js';

const config = (yaml: string): RecurringFreeze[] => {
  const parsed = parseFreezeConfig(yaml);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

// Weekends in Paris: Friday 17:00 to Monday 08:00 local, across the 2026-03-29 spring-forward and 2026-10-25 fall-back.
const WEEKEND = config(`
freezes:
  - reason: no releases over the weekend
    rrule: "DTSTART;TZID=Europe/Paris:20260102T170000\\nRRULE:FREQ=WEEKLY;BYDAY=FR"
    duration: P2DT15H
`);
// New York nights 22:00-02:00 local, only for namespace shop, across 2026-03-08 and 2026-11-01.
const NIGHTS = config(`
freezes:
  - reason: nightly batch
    rrule: |
      DTSTART;TZID=America/New_York:20260101T220000
      RRULE:FREQ=DAILY
    duration: PT4H
    namespaces: [shop]
`);
// 1 hour wall-clock at 01:30 in New York: on 2026-11-01 01:30 happens twice.
const AMBIGUOUS = config(`
freezes:
  - reason: backup
    rrule: "DTSTART;TZID=America/New_York:20261031T013000\\nRRULE:FREQ=DAILY;COUNT=3"
    duration: PT1H
`);

describe('recurring windows (RRULE with TZID)', () => {
  const cases: { name: string; rules: RecurringFreeze[]; ns?: string; at: string; frozen: boolean; until?: string }[] = [
    { name: 'a Friday evening in winter (CET)', rules: WEEKEND, at: '2026-01-09T16:00:00Z', frozen: true, until: '2026-01-12T07:00:00.000Z' },
    { name: 'a minute before the window', rules: WEEKEND, at: '2026-01-09T15:59:00Z', frozen: false },
    { name: 'the end instant is no longer frozen', rules: WEEKEND, at: '2026-01-12T07:00:00Z', frozen: false },
    { name: 'the spring-forward weekend ends at 08:00 CEST (62 h, not 63 h)', rules: WEEKEND, at: '2026-03-29T12:00:00Z', frozen: true, until: '2026-03-30T06:00:00.000Z' },
    { name: 'the summer window starts at 17:00 CEST', rules: WEEKEND, at: '2026-04-03T15:00:00Z', frozen: true, until: '2026-04-06T06:00:00.000Z' },
    { name: '16:30 CEST on a summer Friday is still open', rules: WEEKEND, at: '2026-04-03T14:30:00Z', frozen: false },
    { name: 'the fall-back weekend ends at 08:00 CET (64 h)', rules: WEEKEND, at: '2026-10-25T12:00:00Z', frozen: true, until: '2026-10-26T07:00:00.000Z' },
    { name: 'a night freeze running past midnight (EST)', rules: NIGHTS, ns: 'shop', at: '2026-01-16T05:30:00Z', frozen: true, until: '2026-01-16T07:00:00.000Z' },
    { name: 'the same night in another namespace', rules: NIGHTS, ns: 'pay', at: '2026-01-16T05:30:00Z', frozen: false },
    { name: 'after spring-forward the night starts at 22:00 EDT', rules: NIGHTS, ns: 'shop', at: '2026-03-10T02:00:00Z', frozen: true, until: '2026-03-10T06:00:00.000Z' },
    { name: '22:00 EST on the day before is one hour later in UTC', rules: NIGHTS, ns: 'shop', at: '2026-03-07T02:30:00Z', frozen: false },
    { name: 'a one-hour window at an ambiguous 01:30 takes the first (EDT)', rules: AMBIGUOUS, at: '2026-11-01T05:45:00Z', frozen: true, until: '2026-11-01T06:30:00.000Z' },
    { name: 'COUNT ends the series', rules: AMBIGUOUS, at: '2026-11-03T06:45:00Z', frozen: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const v = freezeAt(new Date(c.at), { namespace: c.ns ?? 'default', rules: c.rules });
      assert.equal(v.frozen, c.frozen);
      if (v.frozen) {
        assert.equal(v.until?.toISOString(), c.until);
        assert.match(v.reason, /\(freeze config\)$/);
      }
    });
  }

  test('the next window within the horizon is reported when open', () => {
    const v = freezeAt(new Date('2026-01-07T12:00:00Z'), { namespace: 'default', rules: WEEKEND }, 7 * 86_400_000);
    assert.ok(!v.frozen && v.next);
    assert.equal(v.next.start.toISOString(), '2026-01-09T16:00:00.000Z');
    assert.equal(v.next.reason, 'no releases over the weekend');
    assert.equal((freezeAt(new Date('2026-01-07T12:00:00Z'), { namespace: 'default', rules: WEEKEND }, 3_600_000) as { next?: unknown }).next, undefined);
  });
});

describe('the namespace annotation cutover.io/freeze', () => {
  const EOY = JSON.stringify({ start: '2026-12-20T00:00:00Z', end: '2027-01-04T08:00:00+01:00', reason: 'end-of-year freeze' });
  const cases: { name: string; annotation: string; at: string; frozen: boolean; until?: string; reason?: RegExp }[] = [
    { name: 'inside one window', annotation: EOY, at: '2026-12-24T12:00:00Z', frozen: true, until: '2027-01-04T07:00:00.000Z', reason: /^end-of-year freeze \(namespace shop\)$/ },
    { name: 'before it', annotation: EOY, at: '2026-12-19T23:59:59Z', frozen: false },
    { name: 'the offset of end counts', annotation: EOY, at: '2027-01-04T07:30:00Z', frozen: false },
    {
      name: 'overlapping windows: until the last end, both reasons',
      annotation: JSON.stringify([
        { start: '2026-06-01T08:00:00Z', end: '2026-06-01T12:00:00Z', reason: 'db maintenance' },
        { start: '2026-06-01T11:00:00Z', end: '2026-06-01T18:00:00Z', reason: 'launch day' },
      ]),
      at: '2026-06-01T11:30:00Z',
      frozen: true,
      until: '2026-06-01T18:00:00.000Z',
      reason: /db maintenance.*; launch day/,
    },
    {
      name: 'a window touching the current one carries until',
      annotation: JSON.stringify([
        { start: '2026-06-01T08:00:00Z', end: '2026-06-01T12:00:00Z', reason: 'a' },
        { start: '2026-06-01T12:00:00Z', end: '2026-06-01T14:00:00Z', reason: 'b' },
      ]),
      at: '2026-06-01T09:00:00Z',
      frozen: true,
      until: '2026-06-01T14:00:00.000Z',
    },
    { name: 'an unreadable annotation freezes and says why', annotation: '2026-12-20 to 2027-01-04', at: '2026-01-01T00:00:00Z', frozen: true, reason: /is not JSON.*counts as a freeze/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const v = freezeAt(new Date(c.at), { namespace: 'shop', annotation: c.annotation });
      assert.equal(v.frozen, c.frozen);
      if (v.frozen) {
        assert.equal(v.until?.toISOString(), c.until);
        if (c.reason) assert.match(v.reason, c.reason);
      }
    });
  }

  test('both sources together: the config window and the annotation chain', () => {
    const annotation = JSON.stringify({ start: '2026-01-12T07:00:00Z', end: '2026-01-12T10:00:00Z', reason: 'monday migration' });
    const v = freezeAt(new Date('2026-01-10T12:00:00Z'), { namespace: 'shop', annotation, rules: WEEKEND });
    assert.ok(v.frozen);
    assert.equal(v.until?.toISOString(), '2026-01-12T10:00:00.000Z');
  });

  const invalid: [string, RegExp][] = [
    ['{"start":"2026-12-20","end":"2027-01-04T00:00:00Z","reason":"x"}', /RFC 3339 times with an offset/],
    ['{"start":"2026-12-20T00:00:00","end":"2027-01-04T00:00:00Z","reason":"x"}', /RFC 3339 times with an offset/],
    ['{"start":"2027-01-04T00:00:00Z","end":"2026-12-20T00:00:00Z","reason":"x"}', /is not after start/],
    ['{"start":"2026-12-20T00:00:00Z","end":"2027-01-04T00:00:00Z"}', /a reason is required/],
    ['[1]', /RFC 3339/],
  ];
  for (const [value, error] of invalid) {
    test(`refuses ${value}`, () => {
      const p = parseFreezeAnnotation(value, 'shop');
      assert.ok(!p.ok);
      assert.match(p.error, /^cutover\.io\/freeze on namespace shop/);
      assert.match(p.error, error);
    });
  }
});

describe('the freeze config file', () => {
  const bad: [string, RegExp][] = [
    ['nope: 1', /expected a list under "freezes:"/],
    ['freezes:\n  - rrule: "DTSTART;TZID=UTC:20260101T000000\\nRRULE:FREQ=DAILY"\n    duration: PT1H', /a reason is required/],
    ['freezes:\n  - reason: r\n    rrule: "RRULE:FREQ=DAILY"\n    duration: PT1H', /DTSTART;TZID=/],
    ['freezes:\n  - reason: r\n    rrule: "DTSTART;TZID=UTC:20260101T000000\\nRRULE:FREQ=DAILY"\n    duration: 2h', /ISO 8601 duration/],
    ['freezes:\n  - reason: r\n    rrule: "DTSTART;TZID=UTC:20260101T000000\\nRRULE:FREQ=DAILY"\n    duration: PT1H\n    namespaces: shop', /namespaces must be a list/],
    ['freezes: [', /not YAML/],
  ];
  for (const [yaml, error] of bad) {
    test(`refuses ${JSON.stringify(yaml).slice(0, 60)}`, () => {
      const p = parseFreezeConfig(yaml, 'freeze.yaml');
      assert.ok(!p.ok);
      assert.match(p.error, /^freeze\.yaml/);
      assert.match(p.error, error);
    });
  }
});
