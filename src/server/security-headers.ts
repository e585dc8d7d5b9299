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

/** The one script that runs as a worker, and so is governed by its own content policy. */
const WORKER_SCRIPT = '/sw.js';

export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(EVERY_ANSWER_HEADERS);
    const type = String(reply.getHeader('content-type') ?? '');
    const path = request.url.split('?')[0] ?? '';
    if (type.startsWith('text/html') || path === WORKER_SCRIPT) {
      reply.header('content-security-policy', KIOSK_PAGE.has(path) ? KIOSK_POLICY : CONTENT_SECURITY_POLICY);
      reply.header('x-frame-options', 'DENY');
    }
    return payload;
  });
}
