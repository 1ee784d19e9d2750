import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from '../common/http/error-response.js';
import { counter } from '../metrics/registered.js';
import { RedirectService, type VisitResult } from './redirect.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const RETRY_AFTER_SECONDS = 5;

/** Redirect outcomes; `redirected` counts every 302 sent, the figure clicks are checked against. */
const redirects = counter({
  name: 'shortener_redirects_total',
  help: 'Short-link visits by outcome (redirected, abandoned: the visitor left before the click was recorded, not_found, unavailable, failed) and method',
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
    let result: VisitResult;
    try {
      result = await this.redirects.visit({
        shortCode,
        countsAsClick: request.method === 'GET',
        referrer: header(request, 'referer'),
        userAgent: header(request, 'user-agent'),
        clientGone: () => request.raw.destroyed || request.raw.socket.destroyed,
      });
    } catch (error) {
      // Same mapping as every other route: a database outage on a cold code is a 503 with Retry-After.
      const { status, body } = toErrorResponse(error);
      const unavailable = status === 503;
      redirects.inc({ outcome: unavailable ? 'unavailable' : 'failed', method: request.method });
      if (!unavailable) request.log.error({ err: error }, 'redirect failed');
      void reply.code(status).header('content-type', JSON_TYPE);
      if (unavailable) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.send(unavailable ? { ...body, retry_after_seconds: RETRY_AFTER_SECONDS } : body);
    }
    redirects.inc({ outcome: result.outcome, method: request.method });
    if (result.outcome === 'not_found') {
      return reply
        .code(404)
        .header('content-type', JSON_TYPE)
        .send({ error: `short code ${JSON.stringify(shortCode)} not found`, status: 404 });
    }
    // 302, not 301: browsers cache 301s forever and later visits would never be counted.
    return reply.code(302).header('location', result.location).header('cache-control', 'private, no-store').send();
  }
}
