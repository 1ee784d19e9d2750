import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';

export const CSV_FIELD = 'file';

/** The CSV stream of a multipart upload's `file` field, unread, so imports never buffer it whole. */
export async function csvUpload(request: FastifyRequest): Promise<Readable> {
  if (!request.isMultipart()) {
    throw new UnsupportedMediaTypeException({
      error: `expected multipart/form-data with the CSV in field "${CSV_FIELD}"`,
    });
  }
  const part = await request.file();
  if (!part) throw new BadRequestException({ error: `no file in the upload: send the CSV in field "${CSV_FIELD}"` });
  if (part.fieldname !== CSV_FIELD) {
    part.file.resume();
    throw new BadRequestException({
      error: `the CSV must be sent in field "${CSV_FIELD}", not "${part.fieldname}"`,
    });
  }
  return part.file;
}
