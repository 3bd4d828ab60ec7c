/**
 * Item ids of List and Tree: made by the client (so it can refer to an item before the server
 * confirms it), 12 base-62 characters = 71 random bits.
 */
import { DIGITS } from './fractional.js';
import type { ApplyContext } from './machine.js';

/** Characters of a new id. */
export const ID_LENGTH = 12;

/** The pattern of a valid id (1–64 of `A-Za-z0-9_-`). */
export const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const ID = new RegExp(ID_PATTERN);
// bytes at or above this would make `byte % 62` uneven
const UNBIASED = 256 - (256 % DIGITS.length);
// random bytes are fetched in bulk: one `getRandomValues` call costs as much as thousands of bytes
const pool = new Uint8Array(4096);
let used = pool.length;

function randomByte(): number {
  if (used === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    used = 0;
  }
  return pool[used++] as number;
}

/** True when `id` is a valid item id (1–64 of `A-Za-z0-9_-`). */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

/**
 * A fresh random id: from `ctx.random()` inside a running transition (so every replica makes
 * the same one), otherwise from `crypto.getRandomValues`.
 */
export function newId(ctx: ApplyContext | null): string {
  let id = '';
  if (ctx) {
    while (id.length < ID_LENGTH) id += DIGITS[Math.floor(ctx.random() * DIGITS.length)];
    return id;
  }
  while (id.length < ID_LENGTH) {
    const b = randomByte();
    if (b < UNBIASED) id += DIGITS[b % DIGITS.length];
  }
  return id;
}
