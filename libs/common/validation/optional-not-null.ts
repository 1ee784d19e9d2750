import { ValidateIf } from 'class-validator';

/**
 * Like @IsOptional, but only for an absent field: an explicit `null` is still validated (and so
 * refused by the field's type check) instead of slipping through to a NOT NULL column.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
