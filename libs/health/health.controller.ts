import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
  type HealthIndicatorFunction,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { MigrationsHealthIndicator } from './migrations.health.js';
import { RedisHealthIndicator } from './redis.health.js';
import { SERVICE_VERSION } from './service-version.js';
import { ShutdownState } from './shutdown-state.js';

const DATABASE_PING_TIMEOUT_MS = 1_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly migrations: MigrationsHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Can the service serve? Redis down is `degraded`: redirects still work without it' })
  @ApiOkResponse({
    schema: {
      example: {
        status: 'ok',
        degraded: false,
        checks: { database: { status: 'up' }, redis: { status: 'up' } },
        uptime_seconds: 42,
        version: '1.0.0',
      },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL is down' })
  async check(@Res() reply: FastifyReply): Promise<void> {
    const [required, redis] = await Promise.all([this.run([this.databaseCheck]), this.redis.pingCheck('redis')]);
    const degraded = redis.redis.status !== 'up';
    this.send(reply, required, { degraded, checks: { ...required.details, ...redis } });
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (no dependency is checked)' })
  @ApiOkResponse({ schema: { example: { status: 'ok', uptime_seconds: 42, version: '1.0.0' } } })
  live(@Res() reply: FastifyReply): void {
    void reply.send({ status: 'ok', uptime_seconds: Math.round(process.uptime()), version: SERVICE_VERSION });
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL reachable, migrations applied, not shutting down' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { database: { status: 'up' } }, uptime_seconds: 42 } } })
  @ApiServiceUnavailableResponse({ description: 'Not ready: a check failed, or the process is draining' })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const result = await this.run([
      this.databaseCheck,
      () => this.migrations.check('migrations'),
      () => this.drainingCheck(),
    ]);
    this.send(reply, result, { checks: result.details });
  }

  private readonly databaseCheck: HealthIndicatorFunction = () =>
    this.database.pingCheck('database', { timeout: DATABASE_PING_TIMEOUT_MS });

  private drainingCheck(): HealthIndicatorResult {
    return { shutdown: { status: this.shutdown.draining ? 'down' : 'up', draining: this.shutdown.draining } };
  }

  /** Terminus throws a 503 carrying the full result; keep its detail instead of a bare error. */
  private async run(checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      return (error as { getResponse?: () => HealthCheckResult }).getResponse?.() ?? { status: 'error', details: {} };
    }
  }

  private send(reply: FastifyReply, result: HealthCheckResult, body: Record<string, unknown>): void {
    const ok = result.status === 'ok';
    void reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'error',
      ...(ok ? {} : { error: `not available: ${Object.keys(result.error ?? {}).join(', ') || 'a check failed'} down` }),
      ...body,
      uptime_seconds: Math.round(process.uptime()),
      version: SERVICE_VERSION,
    });
  }
}
