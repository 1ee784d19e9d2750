import multipart from '@fastify/multipart';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { JsonExceptionFilter } from '../../libs/common/http/json-exception.filter.js';
import { JsonValidationPipe } from '../../libs/common/http/json-validation.pipe.js';
import { SERVICE_VERSION } from '../../libs/health/service-version.js';
import { requestIdFor } from '../../libs/metrics/request-id.js';
import { addRedirectPath } from '../../libs/redirect/redirect.openapi.js';

/** Largest CSV a bulk import accepts: 1,000,000 url rows fit well inside it. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
/** Above nginx's upstream keepalive_timeout, so nginx never reuses a socket Node is closing. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Options for NestFactory.create. `bodyParser: false` keeps Nest from adding a form-urlencoded
 * parser: the API takes JSON only, so form bodies must get 415, never be read as fields.
 * Fastify's own JSON parser stays in place.
 */
export const APP_OPTIONS = { bodyParser: false } as const;

export function createAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    bodyLimit: 1024 * 1024,
    // X-Request-Id is taken from the caller (or nginx) when sane, else made; see requestIdFor.
    requestIdHeader: false,
    genReqId: requestIdFor,
    // Long enough for any path a client may send; the routes themselves refuse what is invalid.
    maxParamLength: 4096,
  });
}

/** Everything main.ts and the e2e tests share: the app as clients see it. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  app.useLogger(app.get(Logger));
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } });
  app.useGlobalFilters(new JsonExceptionFilter());
  app.useGlobalPipes(new JsonValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('URL shortener')
      .setDescription(
        'Short links with click analytics. Errors are JSON: `{"error": "...", "status": N}`. ' +
          'Timestamps are UTC, `YYYY-MM-DDTHH:MM:SS`.',
      )
      .setVersion(SERVICE_VERSION)
      .build(),
  );
  addRedirectPath(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
