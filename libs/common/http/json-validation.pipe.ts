import {
  BadRequestException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      prefix ? `${prefix}.${message}` : message,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * Validates bodies and queries against their DTO classes, and refuses any body that is not a
 * JSON object (a string, an array, null, nothing) before class-transformer can misread it.
 */
export class JsonValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => {
        const details = flatten(errors);
        return new BadRequestException({ error: `invalid request: ${details.join('; ')}`, details });
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path parameters have their own pipes (IdPipe), which must see the raw text.
    if (metadata.type === 'param') return value;
    if (metadata.type === 'body' && typeof metadata.metatype === 'function') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new BadRequestException({ error: 'request body must be a JSON object' });
      }
    }
    return super.transform(value, metadata);
  }
}
