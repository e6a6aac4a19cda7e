import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1LabelSelector } from '@kubernetes/client-node';
import {
  equalitySelectorMatches,
  formatLabelSelector,
  labelSelectorMatches,
} from '../../../src/model/selectors.js';

test('equality selectors (Services) need a superset of their labels', () => {
  const cases: [string, Record<string, string> | undefined, Record<string, string> | undefined, boolean][] = [
    ['canary service selects stable pods', { app: 'myapp' }, { app: 'myapp', track: 'stable' }, true],
    ['canary service selects canary pods', { app: 'myapp' }, { app: 'myapp', track: 'canary' }, true],
    ['blue selector skips green pods', { app: 'myapp', version: 'blue' }, { app: 'myapp', version: 'green' }, false],
    ['blue selector picks blue pods', { app: 'myapp', version: 'blue' }, { app: 'myapp', version: 'blue' }, true],
    ['missing key', { app: 'myapp', version: 'blue' }, { app: 'myapp' }, false],
    ['no labels', { app: 'myapp' }, undefined, false],
    ['selector-less Service selects nothing', undefined, { app: 'myapp' }, false],
    ['empty selector selects nothing', {}, { app: 'myapp' }, false],
  ];
  for (const [name, selector, labels, want] of cases) {
    assert.equal(equalitySelectorMatches(selector, labels), want, name);
  }
});

test('label selectors: matchLabels and every matchExpressions operator', () => {
  const labels = { app: 'web', track: 'canary', tier: 'frontend' };
  const cases: [string, V1LabelSelector | undefined, boolean][] = [
    ['nil selector matches nothing', undefined, false],
    ['empty selector matches everything', {}, true],
    ['matchLabels hit', { matchLabels: { app: 'web' } }, true],
    ['matchLabels miss', { matchLabels: { app: 'api' } }, false],
    ['In hit', { matchExpressions: [{ key: 'track', operator: 'In', values: ['stable', 'canary'] }] }, true],
    ['In miss', { matchExpressions: [{ key: 'track', operator: 'In', values: ['stable'] }] }, false],
    ['In on absent key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn hit', { matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['stable'] }] }, true],
    ['NotIn miss', { matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] }, false],
    ['NotIn on absent key matches', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists hit', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['Exists miss', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['DoesNotExist hit', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['DoesNotExist miss', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['unknown operator never matches', { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
    [
      'labels and expressions are ANDed',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'In', values: ['stable'] }] },
      false,
    ],
  ];
  for (const [name, selector, want] of cases) {
    assert.equal(labelSelectorMatches(selector, labels), want, name);
  }
});

test('formatLabelSelector writes kubectl -l syntax', () => {
  assert.equal(
    formatLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'track', operator: 'In', values: ['stable', 'canary'] },
        { key: 'zone', operator: 'NotIn', values: ['b'] },
        { key: 'tier', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    }),
    'app=web,track in (canary,stable),zone notin (b),tier,!legacy',
  );
  assert.equal(formatLabelSelector(undefined), '');
});
