/**
 * Errors the module answers with its 500 or 503 page, handed to the host's `onError` (default:
 * console.error). The hook is the host's code: whatever it throws or rejects is logged and never
 * changes the response, and the response does not wait for it, so a slow error tracker slows no one.
 */
import type { Context } from 'hono';

/** 500: a fault; 503: the database unavailable, the request past its deadline, or turned away by admission. */
export type ErrorStatus = 500 | 503;

export type OnError = (error: Error, c: Context, status: ErrorStatus) => void | Promise<void>;

export const logError: OnError = (error) => console.error('executions-admin:', error);

const hookFailed = (thrown: unknown) => console.error('executions-admin: onError failed:', thrown);

export function reportError(onError: OnError, error: Error, c: Context, status: ErrorStatus): void {
  try {
    void Promise.resolve(onError(error, c, status)).catch(hookFailed);
  } catch (thrown) {
    hookFailed(thrown);
  }
}
