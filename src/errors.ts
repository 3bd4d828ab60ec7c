/**
 * Every error lockstep raises is a {@link LockstepError} with a stable `code`. A {@link Conflict}
 * is the subclass for transitions that are not valid in the current state: it is refused and
 * changes nothing. The table of codes is in `docs/ERRORS.md`.
 */

/** Stable error codes. New codes may be added; existing ones never change meaning. */
export type ErrorCode =
  // input that is malformed whatever the state
  | 'invalid_op'
  | 'invalid_args'
  | 'invalid_value'
  | 'invalid_snapshot'
  | 'invalid_message'
  | 'invalid_definition'
  // conflicts: valid input that the current state refuses
  | 'not_found'
  | 'duplicate_id'
  | 'cycle'
  | 'out_of_range'
  | 'patch_failed'
  | 'conflict'
  | 'too_large'
  // sync / server
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'rate_limited'
  | 'room_full'
  | 'server_full'
  | 'resync_required'
  | 'unsupported_version'
  | 'closed'
  | 'internal';

/** The one error class of lockstep: a stable `code`, a message that says how to fix it, `details`. */
export class LockstepError extends Error {
  /** The stable code (see docs/ERRORS.md). */
  readonly code: ErrorCode;
  /** Machine-readable context (the path, the limit, …), when there is any. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LockstepError';
    this.code = code;
    this.details = details;
  }

  /** A plain JSON form, as sent over the wire in `reject` and `error` messages. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * A transition that the current state refuses (`not_found`, `duplicate_id`, `cycle`,
 * `out_of_range`, …). Throw it from a `@transition` method to refuse the whole transition:
 * everything the method already changed is rolled back.
 */
export class Conflict extends LockstepError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'Conflict';
  }
}

/** Wraps anything thrown into a LockstepError (unknown errors become `internal`). */
export function toLockstepError(err: unknown): LockstepError {
  if (err instanceof LockstepError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new LockstepError('internal', message);
}
