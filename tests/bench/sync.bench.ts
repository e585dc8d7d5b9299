/**
 * How fast a morning's check-ins reach the server once a slow link comes
 * back, and how many bytes that costs, against the usual recipe (a Workbox
 * background-sync Queue replaying one POST per mark) on the same link.
 *
 * Real Chromium and the built app and server; between them a throttling TCP
 * proxy (tests/bench/support/throttle-proxy.ts) that plays the school's line
 * and counts every byte both ways. Per link: a kiosk queues the morning with
 * the network off and its page closed; the link comes up at t0; the run ends
 * at the last byte of the last answer the kiosk receives, once every record
 * is in the server's database and the line has gone quiet.
 *
 * Goals: bytes_per_record ≤ 8, doorline_s ≤ doorline_goal_s (1.5 × the lower
 * bound: two round trips plus 4 bytes per record at the link's rate),
 * speedup_per_record ≥ 100.
 *
 * A last line drains a fortnight's backlog at a large school (BACKLOG_RECORDS
 * check-ins) over the 256 kbit/s link with the kiosk's page open, while the
 * page keeps checking students in: the drain within 1.3 × the lower bound,
 * and those check-ins confirmed on the page within 50 ms at the 95th
 * percentile (checkin_p95_ms).
 */
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MarkInput } from '../../src/shared/protocol.ts';
import { ulid } from '../../src/shared/ulid.ts';
import { launchBrowser, openKiosk, until } from '../e2e/support/kiosk-browser.ts';
import { startServer, type ServerProcess } from '../e2e/support/server-process.ts';
import { startFrontServer, type FrontServer, type ServedFile } from './support/front-server.ts';
import { realisticMorning } from './support/morning.ts';
import { startThrottleProxy, type Direction, type Link, type Span, type ThrottleProxy } from './support/throttle-proxy.ts';

interface BenchLink extends Link {
  name: string;
  baselineRecords: number;
}

/**
 * The baseline replays one record per round trip, so its time per record is
 * steady after the first; 150 records on the slow link measure it as well as
 * 300 and save two minutes.
 */
const LINKS: BenchLink[] = [
  { name: '256kbit-400ms', bitsPerSecond: 256_000, rttMs: 400, baselineRecords: 300 },
  { name: '64kbit-800ms', bitsPerSecond: 64_000, rttMs: 800, baselineRecords: 150 },
];
const DAY_MS = 86_400_000;
const RECORDS = 1500;
const BACKLOG_RECORDS = 20_000;
/** How often the page checks a student in while the backlog drains. */
const CHECKIN_EVERY_MS = 250;
/** What a check-in says that the server cannot already know: who (600 students) and when (to the second within the day). */
const INFORMATION_BYTES_PER_RECORD = 4;
/** The demo school's students are '100001' to '100600'. */
const FIRST_STUDENT = 100001;
const DEMO_STUDENTS = 600;
/** realisticMorning's arrivals span an hour from its start; the kiosk's morning ends as the bench begins. */
const MORNING_MS = 60 * 60 * 1000;
/** A worker that has not answered a question about its queue by then is asked again. */
const ASK_MS = 5000;
/** How often the database is read while a drain runs. */
const POLL_MS = 50;
/** The line counts as quiet, and the last answer as received, after this long without a byte. */
const QUIET_MS = 1000;

/** The bench runs bundled at dist/bench/sync.mjs (see run.mjs), two folders below the app root. */
const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles the baseline worker and page into dist/bench/baseline/ and returns
 * what the front server serves. The contents are kept in memory, since a
 * rebuild of the app during a run starts by emptying dist/.
 */
async function buildBaseline(): Promise<Record<string, ServedFile>> {
  const source = path.join(root, 'tests', 'bench', 'baseline');
  const out = path.join(root, 'dist', 'bench', 'baseline');
  const common = {
    bundle: true,
    minify: true,
    format: 'iife' as const,
    target: ['chrome109'],
    // Without this Workbox ships its development logging, which the real app does not.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning' as const,
  };
  await esbuild.build({ ...common, entryPoints: [path.join(source, 'baseline-sw.ts')], outfile: path.join(out, 'sw.js') });
  await esbuild.build({ ...common, entryPoints: [path.join(source, 'baseline-page.ts')], outfile: path.join(out, 'page.js') });
  fs.copyFileSync(path.join(source, 'baseline.html'), path.join(out, 'baseline.html'));
  const script = 'text/javascript; charset=utf-8';
  return {
    '/baseline/': { contentType: 'text/html; charset=utf-8', body: fs.readFileSync(path.join(out, 'baseline.html')) },
    '/baseline/sw.js': { contentType: script, body: fs.readFileSync(path.join(out, 'sw.js')) },
    '/baseline/page.js': { contentType: script, body: fs.readFileSync(path.join(out, 'page.js')) },
  };
}

/**
 * What one kiosk queues while its line is down: RECORDS first check-ins, with
 * realisticMorning's arrival times. The demo school has 600 students, so the
 * backlog spans school days: the whole school two days ago, the whole school
 * yesterday, and this morning's first arrivals. Each is a student's first
 * check-in of its day, so every one is queued and sent (a second scan the
 * same day would be answered on the kiosk and cost nothing).
 */
function morningMarks(kioskId: string, records = RECORDS): MarkInput[] {
  const [door] = realisticMorning({ students: records, kiosks: 1, start: Date.now() - MORNING_MS });
  if (!door || door.ops.length < records)
    throw new Error(`realisticMorning gave ${door?.ops.length ?? 0} check-ins, fewer than ${records}`);
  const days = Math.ceil(records / DEMO_STUDENTS);
  return door.ops.slice(0, records).map((op, i) => {
    const daysAgo = days - 1 - Math.floor(i / DEMO_STUDENTS);
    const at = op.at - daysAgo * DAY_MS;
    return { v: 1, opId: ulid(at, randomFillSync), kind: 'check-in', kioskId, studentId: String(FIRST_STUDENT + (i % DEMO_STUDENTS)), at };
  });
}

async function kioskIdOf(page: Page): Promise<string> {
  return page.evaluate(async () => ((await (await fetch('/api/kiosk-config')).json()) as { kiosk: { id: string } }).kiosk.id);
}

/**
 * Posts each mark from the page, one after another, as a kiosk would; every one
 * must be answered by the worker: 202 (queued), or 200 for a second scan of a
 * student already in (answered from the device, nothing queued).
 */
async function postMarks(page: Page, marks: MarkInput[]): Promise<void> {
  await page.evaluate(async (all) => {
    for (const mark of all) {
      const response = await fetch('/api/marks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(mark),
      });
      await response.arrayBuffer();
      if (response.status !== 202 && response.status !== 200)
        throw new Error(`Expected 202 (queued) or 200 (already in) from the worker, got ${response.status}`);
    }
  }, marks);
}

/** Doorline's worker: how many check-ins its outbox holds, from the status it sends when asked (-1: no answer). */
async function doorlineWaiting(page: Page): Promise<number> {
  return page.evaluate(
    (askMs) =>
      new Promise<number>((resolve) => {
        setTimeout(() => resolve(-1), askMs);
        const container = navigator.serviceWorker;
        const onMessage = (event: MessageEvent): void => {
          const data = event.data as { type?: string; waiting?: number } | null;
          if (data?.type !== 'status' || typeof data.waiting !== 'number') return;
          container.removeEventListener('message', onMessage);
          resolve(data.waiting);
        };
        container.addEventListener('message', onMessage);
        container.controller?.postMessage({ v: 1, type: 'status-please' });
      }),
    ASK_MS,
  );
}

/** The baseline worker: how many requests its Workbox Queue holds (-1: no answer). */
async function baselineQueued(page: Page): Promise<number> {
  return page.evaluate(
    (askMs) =>
      new Promise<number>((resolve) => {
        setTimeout(() => resolve(-1), askMs);
        const channel = new MessageChannel();
        channel.port1.onmessage = (event: MessageEvent) => resolve(event.data as number);
        navigator.serviceWorker.controller?.postMessage({ type: 'queue-size' }, [channel.port2]);
      }),
    ASK_MS,
  );
}

function opsInDatabase(server: ServerProcess): number {
  return server.query<{ n: number }>('select count(*) as n from ops')[0]?.n ?? 0;
}

interface Drain {
  seconds: number;
  bytes: number;
  /** When the database first held every record, seconds after link-up. */
  storedSeconds: number;
  /** First and last byte delivered each way, seconds after link-up: where the time went. */
  timeline: Record<Direction, Span>;
}

/**
 * The link comes up with the kiosk's page closed: t0 is `setOffline(false)`.
 * The drain ends at the last byte delivered to the browser once the database
 * holds `records` ops and nothing has crossed the line for QUIET_MS, so the
 * final answer and its bytes are counted.
 */
async function measureDrain(
  context: BrowserContext,
  proxy: ThrottleProxy,
  link: Link,
  server: ServerProcess,
  records: number,
  timeoutMs: number,
  stored: () => number = () => opsInDatabase(server),
  /** Called once every record is stored, before waiting for the line to go quiet (the backlog run stops checking in). */
  onStored: () => Promise<void> = async () => undefined,
): Promise<Drain> {
  proxy.setLink(link);
  proxy.resetCounters();
  const t0 = Date.now();
  await context.setOffline(false);
  let reported = 0;
  let storedAt: number;
  const deadline = t0 + timeoutMs;
  for (;;) {
    const count = stored();
    if (count >= records) {
      storedAt = Date.now();
      break;
    }
    if (Date.now() > deadline) throw new Error(`Only ${count} of ${records} records reached the server in ${timeoutMs / 1000} s`);
    if (count - reported >= records / 10) {
      console.error(`  ${count}/${records} stored after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      reported = count;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await onStored();
  await until(
    'the line to go quiet',
    () => {
      const { up, down } = proxy.timeline();
      return Date.now() - Math.max(up.last, down.last) >= QUIET_MS && down.last >= up.last;
    },
    30_000,
  );
  const { up, down } = proxy.bytes();
  const timeline = proxy.timeline();
  const since = (at: number): number => (at - t0) / 1000;
  const span = ({ first, last }: Span): Span => ({ first: since(first), last: since(last) });
  return {
    seconds: since(timeline.down.last),
    bytes: up + down,
    storedSeconds: since(storedAt),
    timeline: { up: span(timeline.up), down: span(timeline.down) },
  };
}

function report(drain: Drain, requests: Record<string, number>): string {
  const { up, down } = drain.timeline;
  const s = (seconds: number): string => `${seconds.toFixed(2)} s`;
  return [
    `  all stored after ${s(drain.storedSeconds)}, last answer after ${s(drain.seconds)}, ${drain.bytes} bytes; requests: ${JSON.stringify(requests)}`,
    `  bytes reached the server from ${s(up.first)} to ${s(up.last)} and the kiosk from ${s(down.first)} to ${s(down.last)}`,
  ].join('\n');
}

interface Rig {
  server: ServerProcess;
  front: FrontServer;
  proxy: ThrottleProxy;
  context: BrowserContext;
}

/**
 * A fresh server behind the front server behind the throttled link, and a
 * fresh browser context: Doorline and the baseline run on the same path, so
 * both pay for the same hops.
 */
async function onLink<T>(browser: Browser, link: BenchLink, files: Record<string, ServedFile>, body: (rig: Rig) => Promise<T>): Promise<T> {
  const server = await startServer();
  // The baseline's Workbox worker sends as one more paired kiosk; Doorline's pairs through its page.
  let baselineToken: string | null = null;
  if (Object.keys(files).length > 0) {
    const paired = await fetch(`${server.url}/api/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: 1, code: await server.pairingCode(), deviceId: 'baseline-workbox-kiosk', appVersion: 'baseline' }),
    });
    baselineToken = `Bearer ${((await paired.json()) as { token: string }).token}`;
  }
  const front = await startFrontServer(server.url, files, () => baselineToken);
  const proxy = await startThrottleProxy(front.url, link);
  const context = await browser.newContext();
  try {
    return await body({ server, front, proxy, context });
  } finally {
    await context.close();
    await proxy.close();
    await front.close();
    await server.stop();
  }
}

/**
 * Posts `records` marks offline with the line down, closes the page, then
 * measures from link-up to the last receipt. `answersTwiceOnDevice`: the
 * kiosk answers a second scan of a student already in from its own copy of
 * the day and queues nothing for it (Doorline); otherwise every mark is sent.
 */
async function queueThenDrain(
  rig: Rig,
  link: BenchLink,
  page: Page,
  records: number,
  queued: () => Promise<number>,
  timeoutMs: number,
  answersTwiceOnDevice = false,
): Promise<Drain> {
  const kioskId = await kioskIdOf(page);
  await rig.context.setOffline(true);
  // A line that was down all morning has no connection left open to reuse.
  rig.proxy.setLink('down');
  const marks = morningMarks(kioskId).slice(0, records);
  const expected = answersTwiceOnDevice ? new Set(marks.map((m) => `${m.studentId}@${Math.floor(m.at / DAY_MS)}`)).size : records;
  await postMarks(page, marks);
  await until(`${expected} marks queued`, async () => (await queued()) === expected);
  await page.close();
  rig.front.resetForwarded();
  console.error(
    `  ${records} marks made offline, ${expected} queued (a second scan of a student already in is answered on the kiosk); link up`,
  );
  const drain = await measureDrain(rig.context, rig.proxy, link, rig.server, expected, timeoutMs);
  console.error(report(drain, rig.front.forwarded()));
  return drain;
}

function doorlineRun(browser: Browser, link: BenchLink): Promise<Drain> {
  return onLink(browser, link, {}, async (rig) => {
    console.error(`${link.name} doorline: installing the kiosk over the link`);
    // Installing over 64 kbit/s takes most of a minute; it is not what is measured.
    const page = await openKiosk(rig.context, rig.proxy.url, rig.server.pairingCode, 180_000);
    console.error(`  installed with ${rig.proxy.bytes().up + rig.proxy.bytes().down} bytes on the wire`);
    return queueThenDrain(rig, link, page, RECORDS, () => doorlineWaiting(page), 10 * 60_000, true);
  });
}

function baselineRun(browser: Browser, link: BenchLink, files: Record<string, ServedFile>): Promise<Drain> {
  return onLink(browser, link, files, async (rig) => {
    console.error(`${link.name} baseline: installing the Workbox worker over the link`);
    const page = await rig.context.newPage();
    await page.goto(`${rig.proxy.url}/baseline/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    const records = link.baselineRecords;
    // Generous: about one round trip and a request's bytes per record, and then some.
    return queueThenDrain(rig, link, page, records, () => baselineQueued(page), 60_000 + records * (link.rttMs * 3 + 2000));
  });
}

/**
 * A fortnight offline at a large school: BACKLOG_RECORDS first check-ins
 * queued offline, then the link comes up with the page open, and the page
 * checks in a student every CHECKIN_EVERY_MS while the backlog drains, timing
 * each answer. The drain ends when every backlog record (made before link-up)
 * is stored and the line is quiet.
 */
function backlogRun(browser: Browser, link: BenchLink): Promise<{ drain: Drain; checkins: number[] }> {
  return onLink(browser, link, {}, async (rig) => {
    console.error(`${link.name} doorline backlog: installing the kiosk over the link`);
    const page = await openKiosk(rig.context, rig.proxy.url, rig.server.pairingCode, 180_000);
    const kioskId = await kioskIdOf(page);
    await rig.context.setOffline(true);
    rig.proxy.setLink('down');
    const marks = morningMarks(kioskId, BACKLOG_RECORDS);
    const expected = new Set(marks.map((m) => `${m.studentId}@${Math.floor(m.at / DAY_MS)}`)).size;
    const started = Date.now();
    await postMarks(page, marks);
    await until(`${expected} marks queued`, async () => (await doorlineWaiting(page)) === expected, 120_000);
    console.error(
      `  ${expected} check-ins queued offline in ${((Date.now() - started) / 1000).toFixed(0)} s; link up, page open and checking students in`,
    );
    const linkUpAt = Date.now();
    // Today's first arrivals are in the backlog; the students after them arrive during the drain.
    const today = new Set(marks.filter((m) => Math.floor(m.at / DAY_MS) === Math.floor(linkUpAt / DAY_MS)).map((m) => m.studentId));
    const arriving = Array.from({ length: DEMO_STUDENTS }, (_, i) => String(FIRST_STUDENT + i)).filter((id) => !today.has(id));
    const checkins: number[] = [];
    let draining = true;
    const checkingIn = (async () => {
      for (const studentId of arriving) {
        if (!draining) break;
        const mark: MarkInput = { v: 1, opId: ulid(Date.now(), randomFillSync), kind: 'check-in', kioskId, studentId, at: Date.now() };
        checkins.push(
          await page.evaluate(async (body) => {
            const sent = performance.now();
            const response = await fetch('/api/marks', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
            await response.arrayBuffer();
            if (response.status !== 202) throw new Error(`Expected 202 (queued) from the worker, got ${response.status}`);
            return performance.now() - sent;
          }, mark),
        );
        await new Promise((resolve) => setTimeout(resolve, CHECKIN_EVERY_MS));
      }
    })();
    const backlogStored = (): number =>
      rig.server.query<{ n: number }>('select count(*) as n from ops where device_time < ?', linkUpAt)[0]?.n ?? 0;
    const stopCheckingIn = async (): Promise<void> => {
      draining = false;
      await checkingIn;
    };
    try {
      // The check-ins stop once the backlog is in, so the line can go quiet and the last answer be timed.
      const drain = await measureDrain(rig.context, rig.proxy, link, rig.server, expected, 10 * 60_000, backlogStored, stopCheckingIn);
      console.error(report(drain, rig.front.forwarded()));
      // Where the time goes: each batch's arrival through the link and the server's answer, from link-up.
      const at = (ms: number): string => ((ms - linkUpAt) / 1000).toFixed(2);
      console.error(
        `  batches (body in → answered, s; bytes): ${rig.front
          .syncs()
          .map((s) => `${at(s.bodyAt)}→${at(s.answeredAt)} ${s.bytes}`)
          .join(', ')}`,
      );
      return { drain, checkins };
    } finally {
      await stopCheckingIn();
    }
  });
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? NaN;
}

const round = (value: number, places: number): number => Number(value.toFixed(places));

/** `npm run bench -- sync --backlog-only`: the 20,000-op line alone (queueing it takes minutes). */
export async function run(): Promise<void> {
  const backlogOnly = process.argv.includes('--backlog-only');
  const files = await buildBaseline();
  const browser = await launchBrowser();
  try {
    for (const link of backlogOnly ? [] : LINKS) {
      const doorline = await doorlineRun(browser, link);
      const baseline = await baselineRun(browser, link, files);
      const lowerBound = (2 * link.rttMs) / 1000 + (RECORDS * INFORMATION_BYTES_PER_RECORD) / (link.bitsPerSecond / 8);
      const baselinePerRecord = baseline.seconds / link.baselineRecords;
      console.log(
        JSON.stringify({
          bench: 'sync',
          link: link.name,
          records: RECORDS,
          doorline_s: round(doorline.seconds, 2),
          doorline_bytes: doorline.bytes,
          bytes_per_record: round(doorline.bytes / RECORDS, 2),
          lower_bound_s: round(lowerBound, 2),
          doorline_goal_s: round(1.5 * lowerBound, 2),
          baseline_records: link.baselineRecords,
          baseline_s_per_record: round(baselinePerRecord, 3),
          speedup_per_record: round(baselinePerRecord / (doorline.seconds / RECORDS), 1),
        }),
      );
    }
    const slow = LINKS[0] as BenchLink;
    const { drain, checkins } = await backlogRun(browser, slow);
    const lowerBound = (2 * slow.rttMs) / 1000 + (BACKLOG_RECORDS * INFORMATION_BYTES_PER_RECORD) / (slow.bitsPerSecond / 8);
    console.log(
      JSON.stringify({
        bench: 'sync',
        link: slow.name,
        records: BACKLOG_RECORDS,
        doorline_s: round(drain.seconds, 2),
        doorline_bytes: drain.bytes,
        bytes_per_record: round(drain.bytes / BACKLOG_RECORDS, 2),
        lower_bound_s: round(lowerBound, 2),
        doorline_goal_s: round(1.3 * lowerBound, 2),
        checkins_during_drain: checkins.length,
        checkin_p50_ms: round(percentile(checkins, 0.5), 1),
        checkin_p95_ms: round(percentile(checkins, 0.95), 1),
      }),
    );
  } finally {
    await browser.close();
  }
}
