import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { SERVICE_VERSION } from './service-version.js';

const DATABASE_PING_TIMEOUT_MS = 1_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @ApiOkResponse({
    description: 'The service can serve',
    schema: { example: { status: 'ok', checks: { database: { status: 'up' } }, uptime_seconds: 42, version: '1.0.0' } },
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency the service cannot serve without is down' })
  async check(@Res() reply: FastifyReply): Promise<void> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([
        () => this.database.pingCheck('database', { timeout: DATABASE_PING_TIMEOUT_MS }),
      ]);
    } catch (error) {
      // Terminus throws a 503 carrying the full result; keep its detail instead of a bare error.
      result = (error as { getResponse?: () => HealthCheckResult }).getResponse?.() ?? {
        status: 'error',
        details: {},
      };
    }
    const ok = result.status === 'ok';
    void reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'error',
      ...(ok ? {} : { error: 'a required dependency is down' }),
      checks: result.details,
      uptime_seconds: Math.round(process.uptime()),
      version: SERVICE_VERSION,
    });
  }
}
