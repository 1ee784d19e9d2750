import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiParam, ApiResponse } from '@nestjs/swagger';
import { ImportReportResponse } from '../../csv-import/import-report.response.js';
import { ErrorResponse } from './error.response.js';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: wrong types, missing fields, a body that is not a JSON object, a non-integer id',
  404: 'No such record',
  409: 'Conflicts with an existing record',
  413: 'The upload is larger than the limit',
  415: 'Unsupported content type',
  503: 'The database is unavailable; retry after the Retry-After header',
};

/** Documents the JSON error responses an endpoint can give. */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...[...statuses, 503].map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorResponse }),
    ),
  );
}

export function ApiIdParam(): MethodDecorator {
  return ApiParam({ name: 'id', type: Number, example: 1, description: 'Positive integer id' });
}

/** A multipart CSV upload in field `file`, answered with an import report. */
export function ApiBulkImport(description: string): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      description,
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: 'The CSV file, with a header row' } },
      },
    }),
    ApiCreatedResponse({
      type: ImportReportResponse,
      description: 'Imported. Re-uploading the same file imports nothing new (rows are counted as skipped).',
    }),
    ApiErrors(400, 413, 415),
  );
}
