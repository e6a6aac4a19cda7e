import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterDelta, readCounters } from '../../../src/metrics/exposition.js';
import { DEFAULT_QUERIES, renderQuery } from '../../../src/metrics/prometheus.js';
import { podsRegex } from '../../../src/metrics/sides.js';

const text = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{method="GET",code="200"} 90
http_requests_total{method="POST",code="200"} 5 1700000000000
http_requests_total{method="GET",code="503"} 4
http_requests_total{method="GET",code="404"} 1
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{method="GET",le="0.1"} 80
http_request_duration_seconds_bucket{method="GET",le="+Inf"} 95
http_request_duration_seconds_sum{method="GET"} 5.5
http_request_duration_seconds_count{method="GET"} 95
http_request_duration_seconds_bucket{method="POST",le="0.1"} 1
http_request_duration_seconds_bucket{method="POST",le="+Inf"} 5
other_metric{path="a \\"quoted\\" value"} NaN
`;

test('readCounters sums labelled series: requests, 5xx by code, latency buckets', () => {
  const c = readCounters(text);
  assert.equal(c.requests, 100);
  assert.equal(c.errors, 4);
  assert.deepEqual(c.buckets, [{ le: 0.1, count: 81 }, { le: Infinity, count: 100 }]);
  assert.equal(readCounters('http_requests_total{status="502"} 3\n').errors, 3);
});

test('counterDelta: differences, and a reset counter counts from zero', () => {
  const a = { requests: 100, errors: 4, buckets: [{ le: 0.1, count: 81 }, { le: Infinity, count: 100 }] };
  const b = { requests: 150, errors: 5, buckets: [{ le: 0.1, count: 120 }, { le: Infinity, count: 150 }] };
  assert.deepEqual(counterDelta(a, b), { requests: 50, errors: 1, buckets: [{ le: 0.1, count: 39 }, { le: Infinity, count: 50 }] });
  const restarted = { requests: 7, errors: 0, buckets: [] };
  assert.deepEqual(counterDelta(b, restarted), restarted);
});

test('PromQL templates: variables and pod regex', () => {
  const pods = podsRegex({ label: 'canary', deployment: 'shop-canary', annotations: {}, pods: [{ name: 'a.b-1', proxyId: 'a.b-1', path: '/metrics' }, { name: 'c-2', proxyId: 'c-2', path: '/metrics' }] });
  assert.equal(pods, 'a\\\\.b-1|c-2');
  const q = renderQuery(DEFAULT_QUERIES['request-rate'], { namespace: 'shop', deployment: 'shop-canary', pods, interval: '10s' });
  assert.equal(q, 'sum(rate(http_requests_total{namespace="shop",pod=~"a\\\\.b-1|c-2"}[10s]))');
  assert.equal(renderQuery('up{job="{{ deployment }}"}', { namespace: '', deployment: 'web', pods: '', interval: '' }), 'up{job="web"}');
});
