/**
 * The life of an end-to-end file: one Chromium for the file, and a fresh
 * server with a database of its own for every test. Call it once at the top
 * of a file; read `e2e.browser` and `e2e.server` inside the tests.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { launchBrowser } from './kiosk-browser.ts';
import { startServer, type ServerProcess } from './server-process.ts';

export interface E2e {
  readonly browser: Browser;
  readonly server: ServerProcess;
}

export function useBrowserAndServer(): E2e {
  let browser: Browser | undefined;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  return {
    get browser() {
      if (!browser) throw new Error('The browser is not running: read e2e.browser inside a test.');
      return browser;
    },
    get server() {
      if (!server) throw new Error('No server is running: read e2e.server inside a test.');
      return server;
    },
  };
}

/**
 * A fault proxy in front of each test's server (see ./fault-proxy.ts). Call it
 * after `useBrowserAndServer`, at the top of a file or inside a `describe`.
 */
export function useFaultProxy(e2e: E2e): { readonly proxy: FaultProxy } {
  let proxy: FaultProxy | undefined;
  beforeEach(async () => {
    proxy = await startFaultProxy(e2e.server.url);
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  return {
    get proxy() {
      if (!proxy) throw new Error('No fault proxy is running: read it inside a test.');
      return proxy;
    },
  };
}
