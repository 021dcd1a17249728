/** The write API's one error type: callers branch on its `code`. */
export type RecorderErrorCode =
  /** No such run, schedule or agent in this organization. */
  | 'not_found'
  /** The run has already completed or failed. */
  | 'already_finished'
  /** The run is not in a state that allows the call (e.g. completing a pending run). */
  | 'invalid_transition'
  /** The key was already used for a different call. */
  | 'idempotency_conflict'
  | 'invalid_input';

export class RecorderError extends Error {
  override readonly name = 'RecorderError';
  readonly code: RecorderErrorCode;

  constructor(code: RecorderErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const invalid = (message: string) => new RecorderError('invalid_input', message);
export const notFound = (executionId: string) =>
  new RecorderError('not_found', `Execution ${executionId} was not found in this organization`);

export const conflict = (key: string, what: string) =>
  new RecorderError('idempotency_conflict', `Key "${key}" was already used for ${what}`);
