import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../common/config/app-config.js';
import { httpRequestDuration, httpRequestsInFlight } from './http-metrics.js';

export const REDIRECT_ROUTE = '/:short_code';
const UNMATCHED_ROUTE = 'unmatched';
const started = Symbol('startedAt');

type TimedRequest = FastifyRequest & { [started]?: bigint };

/** Redirects are the hot path: their lines are debug, so logging does not dominate them at info. */
export function logLevelFor(route: string, status: number): 'error' | 'warn' | 'info' | 'debug' {
  if (status >= 500) return 'error';
  if (route === REDIRECT_ROUTE && (status === 302 || status === 404)) return 'debug';
  if (status >= 400) return 'warn';
  return 'info';
}

/**
 * One hook pair for every route, Nest's and the plain Fastify redirect alike: the request id goes
 * back in X-Request-Id, the latency into http_request_duration_seconds under the route template,
 * and one JSON line per request into the log. Headers are never logged, so neither is Authorization.
 */
@Injectable()
export class RequestObserver implements OnModuleInit {
  /** Replaceable so tests can read the lines. */
  log: Logger;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.log = pino({ level: config.logLevel, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', async (request: TimedRequest, reply) => {
      request[started] = process.hrtime.bigint();
      httpRequestsInFlight.inc();
      // 'close' fires exactly once per response, finished or aborted, so the gauge cannot drift.
      reply.raw.once('close', () => httpRequestsInFlight.dec());
      void reply.header('x-request-id', request.id);
    });
    fastify.addHook('onResponse', async (request: TimedRequest, reply) => this.observe(request, reply));
  }

  private observe(request: TimedRequest, reply: FastifyReply): void {
    const seconds = request[started] === undefined ? 0 : Number(process.hrtime.bigint() - request[started]) / 1e9;
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    httpRequestDuration.observe({ method: request.method, route, status_code: String(status) }, seconds);
    const level = logLevelFor(route, status);
    if (!this.log.isLevelEnabled(level)) return;
    this.log[level]({
      request_id: request.id,
      method: request.method,
      route,
      path: request.url.split('?')[0],
      status,
      latency_ms: Math.round(seconds * 1e6) / 1e3,
    }, 'request');
  }
}
