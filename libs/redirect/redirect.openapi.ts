import type { OpenAPIObject } from '@nestjs/swagger';

/** The redirect is a plain Fastify route (see RedirectRoute), so its OpenAPI entry is written here. */
export function addRedirectPath(document: OpenAPIObject): void {
  const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };
  document.paths['/{short_code}'] = {
    get: {
      tags: ['redirect'],
      operationId: 'redirect',
      summary: 'Follow a short link',
      description:
        'Answers 302 with Location = original_url and records one `click` event (referrer, user agent). ' +
        'HEAD answers the same without recording a click. Inactive, deleted and unknown codes answer 404.',
      parameters: [{ name: 'short_code', in: 'path', required: true, schema: { type: 'string', example: 'aZ3kP9q' } }],
      responses: {
        '302': {
          description: 'Redirect to the original URL',
          headers: { Location: { schema: { type: 'string', format: 'uri' } } },
        },
        '404': { description: 'No active link has this code', ...error },
        '503': { description: 'The visit could not be recorded; retry shortly', ...error },
      },
    },
  };
}
