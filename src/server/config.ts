/** Configuration from the environment, checked once at start-up. */
import path from 'node:path';
import { DoorlineError } from '../shared/error-codes.ts';
import { STAFF_ROLES, type StaffRole } from '../shared/account-protocol.ts';

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  /** `shown`: the URL with its password replaced by ***, for messages and logs. */
  | { kind: 'postgres'; url: string; shown: string; pool: number };

export interface Config {
  port: number;
  /** Where to listen: the loopback address unless the school opens it up (with a PUBLIC_URL). */
  host: string;
  /**
   * The origin people open (`PUBLIC_URL`, such as https://doorline.school.example):
   * state-changing requests must come from its pages, and an https one makes
   * cookies Secure. Null only on a loopback HOST, where the browser is on the same machine.
   */
  publicOrigin: string | null;
  database: DatabaseConfig;
  /** The built app (HTML, scripts, the service worker). */
  publicDir: string;
  /** Creates the demo school on an empty database. */
  seedDemo: boolean;
  /**
   * `DOORLINE_DEMO_PASSWORDS`: fixed passwords for the demo accounts (one per
   * role) as they are created, for test runs and scripted demos; otherwise each gets a generated one.
   */
  demoPasswords: Partial<Record<StaffRole, string>>;
  /**
   * Whose X-Forwarded-For to believe for the client's address (sign-in and
   * pairing limits count per address): nobody's by default, else `true` or
   * the proxies' addresses.
   */
  trustProxy: boolean | string;
  /** Server processes sharing the port (`WORKERS`, through node:cluster); more than one only on PostgreSQL. */
  workers: number;
  /** pino's level for the server's log (`LOG_LEVEL`). */
  logLevel: string;
  /** The bearer token a scraper sends to `GET /api/metrics` (`METRICS_TOKEN`); null: no metrics endpoint. */
  metricsToken: string | null;
}

const DEFAULT_DATABASE_FILE = './data/doorline.db';

/**
 * `sqlite:./file.db`, `sqlite:///abs/file.db`, `sqlite::memory:` or a plain path
 * mean SQLite; `postgres://user:password@host:port/database` (or `postgresql://`)
 * means PostgreSQL, with a pool of `DATABASE_POOL` connections (default 10).
 */
export function parseDatabaseUrl(url: string | undefined, poolSize?: string): DatabaseConfig {
  const value = (url ?? '').trim();
  if (value === '') return { kind: 'sqlite', file: DEFAULT_DATABASE_FILE };
  if (/^postgres(ql)?:\/\//i.test(value))
    return { kind: 'postgres', url: value, shown: checkPostgresUrl(value), pool: parsePool(poolSize) };
  if (value.startsWith('sqlite:')) {
    let file = value.slice('sqlite:'.length);
    if (file.startsWith('//')) file = file.slice(2);
    if (file === '')
      throw new DoorlineError(
        'invalid-config',
        { url: value },
        'DATABASE_URL "sqlite:" needs a file path, such as sqlite:./data/doorline.db.',
      );
    return { kind: 'sqlite', file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new DoorlineError(
      'database-unsupported',
      { url: redact(value) },
      `DATABASE_URL scheme "${value.split(':')[0]}" is not supported; use a SQLite file path or a postgres:// URL.`,
    );
  }
  return { kind: 'sqlite', file: value };
}

/** The URL as it may be shown, once it is known to name a host; a URL that does not is refused. */
function checkPostgresUrl(value: string): string {
  const shown = redact(value);
  let parsed: URL | null;
  try {
    parsed = new URL(value);
  } catch {
    parsed = null;
  }
  if (parsed === null || parsed.hostname === '') {
    throw new DoorlineError(
      'invalid-config',
      { url: shown },
      `DATABASE_URL is not a valid postgres:// URL (${shown}); expected postgres://user:password@host:5432/database.`,
    );
  }
  return shown;
}

const MAX_POOL = 1000;

function parsePool(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 10;
  const pool = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || pool < 1 || pool > MAX_POOL) {
    throw new DoorlineError(
      'invalid-config',
      { DATABASE_POOL: raw },
      `DATABASE_POOL must be a whole number of connections from 1 to ${MAX_POOL}, not "${raw}".`,
    );
  }
  return pool;
}

/** Hides the password of `scheme://user:password@host`, keeping the user: nothing else in a URL is secret. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:***`}@`;
  });
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DoorlineError('invalid-config', { PORT: raw }, `PORT must be a whole number from 0 to 65535, not "${raw}".`);
  }
  return port;
}

export const DEFAULT_HOST = '127.0.0.1';

export function loadConfig(env: NodeJS.ProcessEnv, appRoot: string): Config {
  const database = parseDatabaseUrl(env.DATABASE_URL, env.DATABASE_POOL);
  const host = env.HOST?.trim() || DEFAULT_HOST;
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  return {
    port: parsePort(env.PORT),
    host,
    publicOrigin: parsePublicUrl(env.PUBLIC_URL, host, trustProxy),
    database,
    publicDir: env.DOORLINE_PUBLIC_DIR ?? path.join(appRoot, 'dist', 'public'),
    seedDemo: env.DOORLINE_DEMO !== '0',
    demoPasswords: parseDemoPasswords(env.DOORLINE_DEMO_PASSWORDS),
    trustProxy,
    workers: parseWorkers(env.WORKERS, database),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    metricsToken: parseMetricsToken(env.METRICS_TOKEN),
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseLogLevel(raw: string | undefined): string {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return 'warn';
  if (!LOG_LEVELS.includes(value))
    throw new DoorlineError('invalid-config', { LOG_LEVEL: raw }, `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${raw}".`);
  return value;
}

/** A token short enough to guess, or one no header can carry, is refused rather than served. */
function parseMetricsToken(raw: string | undefined): string | null {
  const value = (raw ?? '').trim();
  if (value === '') return null;
  if (!/^[\x21-\x7e]{16,200}$/.test(value))
    throw new DoorlineError(
      'invalid-config',
      { METRICS_TOKEN: '***' },
      'METRICS_TOKEN must be 16 to 200 printable characters without spaces (such as the output of: openssl rand -hex 32).',
    );
  return value;
}

const MAX_WORKERS = 64;

/**
 * `WORKERS`: how many server processes share the port. The embedded SQLite
 * file serves one process: its live events travel in that process's memory.
 */
export function parseWorkers(raw: string | undefined, database: DatabaseConfig): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const workers = Number(raw);
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new DoorlineError('invalid-config', { WORKERS: raw }, `WORKERS must be a whole number from 1 to ${MAX_WORKERS}, not "${raw}".`);
  if (workers > 1 && database.kind === 'sqlite')
    throw new DoorlineError(
      'invalid-config',
      { WORKERS: raw },
      'WORKERS above 1 needs PostgreSQL (DATABASE_URL=postgres://…): the embedded SQLite database serves one process.',
    );
  return workers;
}

/** `TRUST_PROXY`: unset or 0 for none, 1 for any, or a comma-separated list of proxy addresses or CIDR ranges. */
function parseTrustProxy(raw: string | undefined): boolean | string {
  const value = (raw ?? '').trim();
  if (value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  if (!/^[0-9a-fA-F.:/, ]+$/.test(value))
    throw new DoorlineError(
      'invalid-config',
      { TRUST_PROXY: raw },
      'TRUST_PROXY must be 0, 1, or a comma-separated list of proxy addresses (such as 10.0.0.1,10.0.1.0/24).',
    );
  return value;
}

/** Addresses only this machine can reach: a browser sending to them runs here. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * `PUBLIC_URL`: the address people type, as an origin (scheme, host, port).
 * Required off loopback and behind a proxy: the Host header a request
 * carries is the requester's to choose, so it cannot say which origin is
 * this server's own.
 */
export function parsePublicUrl(raw: string | undefined, host: string, trustProxy: boolean | string = false): string | null {
  const value = (raw ?? '').trim();
  if (value === '') {
    if (isLoopback(host) && trustProxy === false) return null;
    const why = isLoopback(host) ? 'TRUST_PROXY is set' : `HOST is ${host}`;
    throw new DoorlineError(
      'invalid-config',
      { HOST: host, PUBLIC_URL: null },
      `PUBLIC_URL is required when ${why}: set it to the address people open, such as https://doorline.school.example.`,
    );
  }
  let url: URL | null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (
    url === null ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.pathname !== '/'
  ) {
    throw new DoorlineError(
      'invalid-config',
      { PUBLIC_URL: value },
      `PUBLIC_URL must be an http:// or https:// address with no path, such as https://doorline.school.example, not "${value}".`,
    );
  }
  return url.origin;
}

/** `DOORLINE_DEMO_PASSWORDS`: `teacher=…,office=…,admin=…`, any of them; a password holds no comma. */
export function parseDemoPasswords(raw: string | undefined): Partial<Record<StaffRole, string>> {
  const value = (raw ?? '').trim();
  const passwords: Partial<Record<StaffRole, string>> = {};
  if (value === '') return passwords;
  for (const [index, entry] of value.split(',').entries()) {
    const eq = entry.indexOf('=');
    const role = entry.slice(0, eq).trim();
    const password = entry.slice(eq + 1);
    if (eq < 1 || password === '' || !(STAFF_ROLES as readonly string[]).includes(role) || role in passwords)
      throw new DoorlineError(
        'invalid-config',
        // Which entry, never its text: it may be a password.
        { DOORLINE_DEMO_PASSWORDS: `entry ${index + 1}` },
        'DOORLINE_DEMO_PASSWORDS must be role=password pairs separated by commas, each of teacher, office and admin at most once.',
      );
    passwords[role as StaffRole] = password;
  }
  return passwords;
}
