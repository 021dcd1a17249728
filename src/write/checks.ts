/** Input checks: a call with bad input fails with `invalid_input` before it touches the database. */
import { invalid } from './errors.js';
import type { ToolCallInput } from './inputs.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_KEY_LENGTH = 200;
/** numeric(12, 2) */
const MAX_CREDITS = 9_999_999_999.99;

export function checkText(value: string, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} must be a non-empty string`);
}

export function checkKey(key: string): void {
  checkText(key, 'key');
  if (key.length > MAX_KEY_LENGTH) throw invalid(`key must be at most ${MAX_KEY_LENGTH} characters`);
}

export function checkUuid(value: string, field: string): void {
  if (!UUID.test(value)) throw invalid(`${field} must be a UUID`);
}

export function checkDate(value: Date, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(`${field} must be a valid date`);
}

export function checkFinishedAt(finishedAt: Date, startedAt: Date): void {
  checkDate(finishedAt, 'finishedAt');
  if (finishedAt < startedAt) throw invalid('finishedAt must not be before the run started');
}

export function checkCredits(credits: number): void {
  if (typeof credits !== 'number' || !Number.isFinite(credits) || credits < 0 || credits > MAX_CREDITS) {
    throw invalid(`credits must be a finite number from 0 to ${MAX_CREDITS}`);
  }
}

export function checkToolCall(call: Omit<ToolCallInput, 'key'>): void {
  checkText(call.toolName, 'toolName');
  if (typeof call.ok !== 'boolean') throw invalid('ok must be a boolean');
  if (!Number.isInteger(call.durationMs) || call.durationMs < 0) throw invalid('durationMs must be a non-negative integer');
  if (call.at !== undefined) checkDate(call.at, 'at');
}
