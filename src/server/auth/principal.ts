/**
 * Who is asking. A request carries either a kiosk's device token
 * (`Authorization: Bearer dld_…`, sent by the service worker) or a staff
 * session cookie. Routes state what they need with `requireStaff` or
 * `requireSender`; this module is the only place either secret is read.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DoorlineError } from '../../shared/error-codes.ts';
import type { Db } from '../db/open-database.ts';
import { STAFF_ROLES, type StaffRole } from '../../shared/account-protocol.ts';
import { isLoopback } from '../config.ts';
import { bodyRuleOf, carriesBody } from '../request-body.ts';
import { sha256 } from './secrets.ts';

export const SESSION_COOKIE = 'doorline_session';
/** A session lasts a school day and a bit; then the person signs in again. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** A signed-in person, whether or not their session acts for a school yet. */
export interface AccountPrincipal {
  kind: 'staff';
  staffId: string;
  name: string;
  email: string;
  role: StaffRole;
  /** Null only for an admin who has no school yet: they may set one up and nothing else. */
  schoolId: string | null;
  sessionHash: string;
  expiresAt: number;
  mustChangePassword: boolean;
}

/** A signed-in person acting for a school: whom every route but sign-in and set-up serves. */
export interface StaffPrincipal extends AccountPrincipal {
  schoolId: string;
}

export interface DevicePrincipal {
  kind: 'device';
  deviceId: string;
  schoolId: string;
  kioskId: string;
  kioskName: string;
}

export type Principal = StaffPrincipal | DevicePrincipal;

type Resolved = { principal: AccountPrincipal | DevicePrincipal | null; expired: boolean };

export const OFFICE_ROLES: readonly StaffRole[] = ['office', 'admin'];
export const ADMIN_ROLES: readonly StaffRole[] = ['admin'];

/** The value of one cookie in a Cookie header, or undefined. */
function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{10,100})$/.exec(header);
  if (!match) throw new DoorlineError('device-unauthorized', { problem: 'the Authorization header is not a Doorline device token' });
  return match[1];
}

export class Auth {
  private readonly resolved = new WeakMap<FastifyRequest, Promise<Resolved>>();

  constructor(
    readonly db: Db,
    readonly now: () => number,
  ) {}

  /** The principal behind a request, read once per request. Throws for a bad or revoked device token. */
  principal(request: FastifyRequest): Promise<AccountPrincipal | DevicePrincipal | null> {
    return this.resolve(request).then((r) => r.principal);
  }

  private resolve(request: FastifyRequest): Promise<Resolved> {
    let pending = this.resolved.get(request);
    if (!pending) {
      pending = this.lookUp(request);
      this.resolved.set(request, pending);
    }
    return pending;
  }

  private async lookUp(request: FastifyRequest): Promise<Resolved> {
    const token = bearerToken(request);
    if (token !== undefined) return { principal: await this.device(token), expired: false };
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (cookie === undefined || cookie.length > 100) return { principal: null, expired: false };
    return this.session(cookie);
  }

  /** The session a cookie value opens, if it is open. */
  async session(cookie: string): Promise<Resolved & { principal: AccountPrincipal | null }> {
    const row = await this.db
      .selectFrom('staff_sessions')
      .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
      .select([
        'staff_sessions.id_hash',
        'staff_sessions.school_id',
        'staff_sessions.expires_at',
        'staff.id',
        'staff.name',
        'staff.email',
        'staff.role',
        'staff.must_change_password',
      ])
      .where('staff_sessions.id_hash', '=', sha256(cookie))
      // A deactivated account's sessions are deleted; this holds even for one opened as it was switched off.
      .where('staff.deactivated_at', 'is', null)
      .executeTakeFirst();
    if (!row) return { principal: null, expired: false };
    if (Number(row.expires_at) <= this.now()) return { principal: null, expired: true };
    return {
      principal: {
        kind: 'staff',
        staffId: row.id,
        name: row.name,
        email: row.email,
        role: row.role,
        schoolId: row.school_id,
        sessionHash: row.id_hash,
        expiresAt: Number(row.expires_at),
        mustChangePassword: row.must_change_password === 1,
      },
      expired: false,
    };
  }

  private async device(token: string): Promise<DevicePrincipal> {
    const row = await this.db
      .selectFrom('devices')
      .innerJoin('kiosks', 'kiosks.id', 'devices.kiosk_id')
      .select(['devices.id', 'devices.school_id', 'devices.kiosk_id', 'devices.revoked_at', 'kiosks.name as kiosk_name'])
      .where('devices.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || row.kiosk_id === null) throw new DoorlineError('device-unauthorized');
    if (row.revoked_at !== null) throw new DoorlineError('device-revoked', { deviceId: row.id });
    return { kind: 'device', deviceId: row.id, schoolId: row.school_id, kioskId: row.kiosk_id, kioskName: row.kiosk_name };
  }

  /**
   * A signed-in person with one of `roles`, school or none: for what an
   * account does before it acts for a school (its session, its password,
   * setting up a school). Anything else is refused with a code that says why.
   */
  async requireAccount(
    request: FastifyRequest,
    roles: readonly StaffRole[],
    options: { allowPasswordChange?: boolean } = {},
  ): Promise<AccountPrincipal> {
    const { principal, expired } = await this.resolve(request);
    if (principal === null) throw new DoorlineError(expired ? 'session-expired' : 'not-signed-in');
    if (principal.kind !== 'staff') throw new DoorlineError('forbidden', { need: roles });
    if (principal.mustChangePassword && !options.allowPasswordChange) throw new DoorlineError('password-change-required');
    if (!roles.includes(principal.role)) throw new DoorlineError('forbidden', { need: roles, role: principal.role });
    return principal;
  }

  /** A signed-in person with one of `roles`, acting for a school. */
  async requireStaff(
    request: FastifyRequest,
    roles: readonly StaffRole[],
    options: { allowPasswordChange?: boolean } = {},
  ): Promise<StaffPrincipal> {
    const principal = await this.requireAccount(request, roles, options);
    if (principal.schoolId === null) throw new DoorlineError('no-school');
    return { ...principal, schoolId: principal.schoolId };
  }

  /** Whoever is asking, kiosk or person (a person who must change their password included); nobody is refused. */
  async requireSomeone(request: FastifyRequest): Promise<AccountPrincipal | DevicePrincipal> {
    const { principal, expired } = await this.resolve(request);
    if (principal === null) throw new DoorlineError(expired ? 'session-expired' : 'not-signed-in');
    return principal;
  }

  /**
   * A hook that refuses the request before its body is read unless the sender
   * may send it: `roles` for a person, or `'sender'` for a kiosk or any of STAFF_ROLES.
   */
  before(need: readonly StaffRole[] | 'sender', options: { allowPasswordChange?: boolean } = {}) {
    return async (request: FastifyRequest): Promise<void> => {
      if (need === 'sender') await this.requireSender(request);
      else await this.requireStaff(request, need, options);
    };
  }

  /** A paired kiosk, or a signed-in person with one of `roles`: whoever may send marks or read the school's day. */
  async requireSender(request: FastifyRequest, roles: readonly StaffRole[] = STAFF_ROLES): Promise<Principal> {
    const { principal } = await this.resolve(request);
    if (principal?.kind === 'device') return principal;
    return this.requireStaff(request, roles);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether the browser reached this server over TLS: set by `checkOrigin`, read for Secure cookies and HSTS. */
    viaHttps: boolean;
  }
}

/**
 * Cross-site request forgery: a browser attaches the session cookie to a
 * request another site makes, but it always says where the request came
 * from in `Origin`. A state-changing request that carries a cookie (or signs
 * in) must come from this server's own pages: from `publicOrigin` (config.ts
 * PUBLIC_URL). The Host header alone proves nothing: a page on a DNS name
 * rebound to this server sends its own name as Host and as Origin. Without a
 * public origin (a server on loopback, config.ts) a page of its own is one on
 * a loopback name at the address asked, or, for an app built behind a
 * trusted proxy, at the address the proxy says was asked.
 *
 * It also marks whether the request came over TLS: the server's own (through a
 * trusted proxy's X-Forwarded-Proto) or an https public origin's.
 */
export function checkOrigin(app: FastifyInstance, publicOrigin: string | null = null): void {
  const publicHttps = publicOrigin?.startsWith('https:') ?? false;
  app.decorateRequest('viaHttps', false);
  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    request.viaHttps = publicHttps || request.protocol === 'https';
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    const carriesSession = readCookie(request.headers.cookie, SESSION_COOKIE) !== undefined;
    const signsIn = request.url.split('?')[0] === '/api/session';
    if (!carriesSession && !signsIn) return;
    const origin = request.headers.origin;
    if (origin === undefined || !isOwnOrigin(origin, request, publicOrigin))
      throw new DoorlineError('origin-mismatch', { origin: origin ?? null });
  });
}

function isOwnOrigin(origin: string, request: FastifyRequest, publicOrigin: string | null): boolean {
  if (publicOrigin !== null) return origin === publicOrigin;
  // Fastify reads the host from X-Forwarded-Host only when the proxy is trusted (app.ts trustProxy).
  const forwarded = request.host !== request.headers.host;
  return (isLoopback(request.hostname) || forwarded) && origin === `${request.protocol}://${request.host}`;
}

export function sessionCookie(value: string, request: FastifyRequest, maxAgeSeconds: number): string {
  const secure = request.viaHttps ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

/**
 * Credentials before bodies: a request that carries a body is refused before
 * a byte of it is read (or inflated, or parsed) unless it comes from a known
 * sender, so a stranger's request costs one lookup. Sign-in and pairing take
 * small bodies from anyone (request-body.ts). An endpoint that reads no body
 * refuses one sent anyway.
 */
export function checkSenderBeforeBody(app: FastifyInstance, auth: Auth): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    // Fastify reads no body on GET or HEAD; a page or a probe sent with one is answered as without it.
    if (request.method === 'GET' || request.method === 'HEAD' || !carriesBody(request)) return payload;
    const rule = bodyRuleOf(request);
    if (rule.none) throw new DoorlineError('body-not-expected');
    if (rule.fromStrangers) return payload;
    await auth.requireSomeone(request);
    return payload;
  });
}
