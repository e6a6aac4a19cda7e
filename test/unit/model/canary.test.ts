import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canarySplit, nextCanaryStep, previousCanaryStep } from '../../../src/model/canary.js';

test('seed ladder for ten replicas: 9/1 -> 7/3 -> 5/5 -> 0/10', () => {
  const walked: string[] = [];
  let at = { stable: 10, canary: 0 };
  for (let step = nextCanaryStep(at.stable, at.canary); step; step = nextCanaryStep(at.stable, at.canary)) {
    walked.push(`${step.stable}/${step.canary}`);
    at = step;
  }
  assert.deepEqual(walked, ['9/1', '7/3', '5/5', '0/10']);
});

test('nextCanaryStep skips steps that would not add a canary pod', () => {
  const cases: [number, number, string | undefined][] = [
    [4, 0, '3/1'],
    [3, 1, '2/2'],
    [2, 2, '0/4'],
    [0, 4, undefined],
    [9, 1, '7/3'],
    [8, 2, '7/3'],
  ];
  for (const [s, c, want] of cases) {
    const got = nextCanaryStep(s, c);
    assert.equal(got && `${got.stable}/${got.canary}`, want, `${s}/${c}`);
  }
});

test('previousCanaryStep walks back down the ladder', () => {
  const cases: [number, number, string | undefined][] = [
    [0, 10, '5/5'],
    [5, 5, '7/3'],
    [7, 3, '9/1'],
    [9, 1, undefined],
  ];
  for (const [s, c, want] of cases) {
    const got = previousCanaryStep(s, c);
    assert.equal(got && `${got.stable}/${got.canary}`, want, `${s}/${c}`);
  }
});

test('canarySplit keeps the total and gives a non-zero share at least one pod', () => {
  assert.deepEqual(canarySplit(10, 30), { stable: 7, canary: 3, percent: 30 });
  assert.deepEqual(canarySplit(3, 10), { stable: 2, canary: 1, percent: 10 });
  assert.deepEqual(canarySplit(5, 0), { stable: 5, canary: 0, percent: 0 });
  assert.deepEqual(canarySplit(0, 50), { stable: 0, canary: 0, percent: 50 });
});
