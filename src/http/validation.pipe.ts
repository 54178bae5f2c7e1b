import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { ValidationFailedError, type FieldError } from '../shared/index.js';
import { MAX_JSON_DEPTH } from './json-body.js';

/**
 * Keys that could pollute prototypes, and the names of Object.prototype's members: class-transformer
 * silently drops a key whose name is a method the instance inherits (toString, hasOwnProperty…), so
 * such an unknown field would never reach the whitelist and be accepted without a word.
 */
const FORBIDDEN_KEYS = new Set(['prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/**
 * Validates bodies and query strings against their DTO class: unknown fields are rejected, every bad
 * field is named. Keys that could pollute prototypes and absurdly deep documents are refused before
 * class-transformer ever touches them.
 */
@Injectable()
export class StrictValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if ((metadata.type !== 'body' && metadata.type !== 'query') || !isDtoClass(metadata.metatype)) return value;
    const plain = value === undefined ? {} : value;
    if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
      throw new ValidationFailedError([{ field: metadata.type, message: 'must be a JSON object' }]);
    }
    const shapeErrors = inspectShape(plain, '', 0);
    if (shapeErrors.length > 0) throw new ValidationFailedError(shapeErrors);
    const instance = plainToInstance(metadata.metatype, plain) as object;
    const errors = await validate(instance, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
    });
    if (errors.length > 0) throw new ValidationFailedError(flatten(errors, ''));
    return instance;
  }
}

function isDtoClass(metatype: unknown): metatype is new () => object {
  return typeof metatype === 'function' && ![String, Number, Boolean, Array, Object].includes(metatype as never);
}

function inspectShape(value: object, path: string, depth: number): FieldError[] {
  if (depth > MAX_JSON_DEPTH) return [{ field: path || 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }];
  const errors: FieldError[] = [];
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) {
      errors.push({ field, message: 'is a reserved name and not allowed' });
      continue;
    }
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object') errors.push(...inspectShape(child, field, depth + 1));
  }
  return errors;
}

function flatten(errors: ValidationError[], parent: string): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message:
        rule === 'whitelistValidation'
          ? 'is not a known field'
          : error.value === undefined
            ? 'is required'
            : stripProperty(message, error.property),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** class-validator starts messages with the property name; the field already says it. */
function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
