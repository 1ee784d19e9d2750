import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/openapi/api-docs.js';
import { RedirectService } from './redirect.service.js';

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

/** GET /:short_code. Static routes (/health, /users, /docs, …) always win over this parameter route. */
@ApiTags('redirect')
@Controller()
export class RedirectController {
  constructor(private readonly redirects: RedirectService) {}

  @Get(':short_code')
  @ApiParam({ name: 'short_code', example: 'aZ3kP9q' })
  @ApiFoundResponse({ description: '302 to original_url in Location; one click event is recorded (not for HEAD)' })
  @ApiErrors(404)
  async redirect(
    @Param('short_code') shortCode: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const location = await this.redirects.visit({
      shortCode,
      countsAsClick: request.method === 'GET',
      referrer: header(request, 'referer'),
      userAgent: header(request, 'user-agent'),
    });
    if (location === null) throw new NotFoundException({ error: `short code ${JSON.stringify(shortCode)} not found` });
    // 302, not 301: browsers cache 301s forever and later visits would never be counted.
    void reply.code(302).header('location', location).header('cache-control', 'private, no-store').send();
  }
}
