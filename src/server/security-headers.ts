/**
 * No sniffing and no referrer leaks on every response; the content policy and
 * frame denial on what a browser governs by them: pages and the worker's
 * script. (A browser applies a response's Content-Security-Policy only to a
 * document or a worker, and X-Frame-Options only to a document; on a script,
 * a style sheet or an API answer they would be bytes paid on every request
 * over a 64 kbit/s link and read by nothing.)
 */
import type { FastifyInstance } from 'fastify';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** On every answer, refusals before routing included (error-handler.ts sets them there). */
export const EVERY_ANSWER_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' } as const;
/**
 * The kiosk page may also compile WebAssembly: a camera kiosk's barcode
 * reader is ZXing compiled to it (src/ui/kiosk-camera.ts). Still no eval of
 * script text, and no other page may.
 */
const KIOSK_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'");
const KIOSK_PAGE = new Set(['/kiosk', '/kiosk.html']);

/**
 * Once a browser has reached the server over TLS it keeps to TLS for a year,
 * so a later visit over plain http on a school's network is never offered a
 * page (or a session cookie) an onlooker could change or read. Not for
 * subdomains: a school's other sites are not this server's to decide.
 */
const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/** The one script that runs as a worker, and so is governed by its own content policy. */
const WORKER_SCRIPT = '/sw.js';

export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(EVERY_ANSWER_HEADERS);
    // Set by checkOrigin (principal.ts) on every routed request.
    if (request.viaHttps) reply.header('strict-transport-security', STRICT_TRANSPORT_SECURITY);
    const type = String(reply.getHeader('content-type') ?? '');
    const path = request.url.split('?')[0] ?? '';
    if (type.startsWith('text/html') || path === WORKER_SCRIPT) {
      reply.header('content-security-policy', KIOSK_PAGE.has(path) ? KIOSK_POLICY : CONTENT_SECURITY_POLICY);
      reply.header('x-frame-options', 'DENY');
    }
    return payload;
  });
}
