import { Injectable, ServiceUnavailableException, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { counter } from '../metrics/registered.js';
import { RedirectService } from './redirect.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Redirect outcomes; `redirected` counts every 302 sent, the figure clicks are checked against. */
const redirects = counter({
  name: 'shortener_redirects_total',
  help: 'Short-link visits by outcome (redirected, not_found, unavailable, failed) and method',
  labelNames: ['outcome', 'method'],
});

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

/**
 * GET (and HEAD) /:short_code, registered on Fastify directly: the hot path skips Nest's
 * per-request pipeline (guards, pipes, interceptors, exception zone), which measured as most of
 * its cost. Static routes (/health, /users, /docs, …) still win over this parameter route.
 */
@Injectable()
export class RedirectRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly redirects: RedirectService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get('/:short_code', (request, reply) => this.handle(request as FastifyRequest<{ Params: { short_code: string } }>, reply));
  }

  async handle(request: FastifyRequest<{ Params: { short_code: string } }>, reply: FastifyReply): Promise<void> {
    const shortCode = request.params.short_code;
    let location: string | null;
    try {
      location = await this.redirects.visit({
        shortCode,
        countsAsClick: request.method === 'GET',
        referrer: header(request, 'referer'),
        userAgent: header(request, 'user-agent'),
      });
    } catch (error) {
      const status = error instanceof ServiceUnavailableException ? 503 : 500;
      redirects.inc({ outcome: status === 503 ? 'unavailable' : 'failed', method: request.method });
      if (status === 500) request.log.error({ err: error }, 'redirect failed');
      const message = status === 503 ? 'cannot serve this link right now; retry shortly' : 'internal server error';
      return reply.code(status).header('content-type', JSON_TYPE).header('retry-after', '5').send({ error: message, status });
    }
    if (location === null) {
      redirects.inc({ outcome: 'not_found', method: request.method });
      return reply
        .code(404)
        .header('content-type', JSON_TYPE)
        .send({ error: `short code ${JSON.stringify(shortCode)} not found`, status: 404 });
    }
    redirects.inc({ outcome: 'redirected', method: request.method });
    // 302, not 301: browsers cache 301s forever and later visits would never be counted.
    return reply.code(302).header('location', location).header('cache-control', 'private, no-store').send();
  }
}
