/**
 * The only body parser: JSON, capped, parsed into `unknown`. Every other
 * content type is refused by Fastify with 415 before a handler runs.
 */
import type { FastifyInstance } from 'fastify';
import { DoorlineError } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';

export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: LIMITS.maxBodyBytes }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(new DoorlineError('empty-body'), undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new DoorlineError('bad-json'), undefined);
    }
  });
}
