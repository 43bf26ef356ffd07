// What kind of value an option takes. Each constructor carries the zod schema the engine validates
// with and the facts the command line (flag syntax, parsing) and the Train form (control, bounds,
// choices) are made from, so the three cannot disagree about a value.
import { z } from 'zod';

export interface Bounds {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Values must be strictly above this (the reference's "positive" numbers). */
  above?: number;
}

interface ValueTypeBase<S extends z.ZodType> {
  readonly schema: S;
}
export interface IntType<S extends z.ZodType = z.ZodType> extends ValueTypeBase<S>, Bounds {
  readonly kind: 'int';
  /** null means "no limit" (max_dataset_size). */
  readonly nullable: boolean;
}
export interface FloatType<S extends z.ZodType = z.ZodType> extends ValueTypeBase<S>, Bounds {
  readonly kind: 'float';
}
export interface ChoiceType<S extends z.ZodType = z.ZodType> extends ValueTypeBase<S> {
  readonly kind: 'choice';
  readonly choices: readonly (string | number)[];
}
export interface BoolType<S extends z.ZodType = z.ZodType> extends ValueTypeBase<S> {
  readonly kind: 'bool';
  /**
   * 'flag': `--x` sets it (the reference's action='store_true').
   * 'value': `--x [true|false]`, bare `--x` meaning true (the CUT repository's str2bool options).
   */
  readonly cli: 'flag' | 'value';
}
export interface TextType<S extends z.ZodType = z.ZodType> extends ValueTypeBase<S> {
  readonly kind: 'text';
  readonly maxLength: number;
}
export type ValueType<S extends z.ZodType = z.ZodType> = IntType<S> | FloatType<S> | ChoiceType<S> | BoolType<S> | TextType<S>;

function bounded(schema: z.ZodNumber, b: Bounds): z.ZodNumber {
  let s = schema;
  if (b.min !== undefined) s = s.min(b.min);
  if (b.max !== undefined) s = s.max(b.max);
  if (b.above !== undefined) s = s.gt(b.above);
  return s;
}

export function int(b: Bounds = {}): IntType<z.ZodNumber> {
  return { kind: 'int', nullable: false, ...b, schema: bounded(z.number().int(), b) };
}

/** A whole number, or null for "no limit". */
export function intOrNone(b: Bounds = {}): IntType<z.ZodNullable<z.ZodNumber>> {
  return { kind: 'int', nullable: true, ...b, schema: bounded(z.number().int(), b).nullable() };
}

export function float(b: Bounds = {}): FloatType<z.ZodNumber> {
  return { kind: 'float', ...b, schema: bounded(z.number(), b) };
}

export function choice<const T extends readonly [string, ...string[]]>(values: T): ChoiceType<z.ZodEnum<{ [K in T[number]]: K }>> {
  return { kind: 'choice', choices: values, schema: z.enum(values) as unknown as z.ZodEnum<{ [K in T[number]]: K }> };
}

/** A choice among numbers (input_nc: 3 or 1); the first is listed first. */
export function numberChoice<const T extends readonly [number, ...number[]]>(values: T): ChoiceType<z.ZodLiteral<T[number]>> {
  return { kind: 'choice', choices: values, schema: z.literal(values) };
}

export function flag(): BoolType<z.ZodBoolean> {
  return { kind: 'bool', cli: 'flag', schema: z.boolean() };
}

export function bool(): BoolType<z.ZodBoolean> {
  return { kind: 'bool', cli: 'value', schema: z.boolean() };
}

/** Free text; `pattern`, when given, is what a valid value looks like, and `message` says so. */
export function text(maxLength: number, pattern?: { regex: RegExp; message: string }): TextType<z.ZodString> {
  const schema = z.string().min(1).max(maxLength);
  return { kind: 'text', maxLength, schema: pattern ? schema.regex(pattern.regex, pattern.message) : schema };
}
