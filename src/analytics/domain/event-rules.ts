/**
 * Rules for events sent to POST /analytics/events. Each event is checked on its own: a bad
 * event is rejected with its index and reasons, the others in the batch are still accepted.
 */

export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_PAST_MS = 7 * 24 * 3600 * 1000;
export const MAX_FUTURE_MS = 3600 * 1000;
export const MAX_PROPERTIES_BYTES = 32 * 1024;

/** Names the platform itself emits; only the platform's own delivery may record them. */
export const RESERVED_NAME = /^(auth|users|payments|analytics|gateway)\./i;

/** An event's rejection lists at most this many unknown fields (then one error per field). */
export const MAX_UNKNOWN_FIELDS_LISTED = 10;
/** Unknown field names are echoed back cut to this many characters. */
export const FIELD_NAME_ECHO_MAX = 64;
/** The most errors one rejected event can carry. */
export const MAX_EVENT_ERRORS = MAX_UNKNOWN_FIELDS_LISTED + 6;

const ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const ALLOWED = new Set(['event_id', 'name', 'user_id', 'anonymous_id', 'timestamp', 'properties']);
// eslint-disable-next-line no-control-regex
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export interface FieldError {
  field: string;
  message: string;
}

export interface ValidEvent {
  event_id?: string;
  name: string;
  user_id?: string;
  anonymous_id?: string;
  /** Epoch milliseconds. */
  occurred_at: number;
  properties: Record<string, unknown>;
  /** JSON text of properties (made for the size check; stored as is). */
  propertiesJson: string;
}

export type CheckedEvent = { ok: true; event: ValidEvent } | { ok: false; errors: FieldError[] };

export interface CheckContext {
  /** Epoch ms when the batch was received. */
  now: number;
  /** When the caller is a signed-in user, events are theirs: user_id defaults to it and may not differ. */
  actorUserId?: string;
}

function shorten(key: string): string {
  if (key.length <= FIELD_NAME_ECHO_MAX) return key;
  return [...key].slice(0, FIELD_NAME_ECHO_MAX - 1).join('') + '…';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkEvent(raw: unknown, ctx: CheckContext): CheckedEvent {
  const errors: FieldError[] = [];
  if (!isPlainObject(raw)) {
    return { ok: false, errors: [{ field: '', message: 'an event must be a JSON object' }] };
  }
  const unknown = Object.keys(raw).filter((key) => !ALLOWED.has(key));
  for (const key of unknown.slice(0, MAX_UNKNOWN_FIELDS_LISTED)) {
    const name = shorten(key);
    errors.push({ field: name, message: `unknown field "${name}"` });
  }

  const { event_id, name, user_id, anonymous_id, timestamp, properties } = raw;
  if (event_id !== undefined && (typeof event_id !== 'string' || !ID.test(event_id))) {
    errors.push({
      field: 'event_id',
      message: 'event_id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -',
    });
  }
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) {
    errors.push({
      field: 'name',
      message: 'name must be a non-empty string of at most 200 characters',
    });
  } else if (CONTROL_CHAR.test(name)) {
    errors.push({ field: 'name', message: 'name must not contain control characters' });
  } else if (LONE_SURROGATE.test(name)) {
    errors.push({ field: 'name', message: 'name must be valid Unicode text' });
  } else if (RESERVED_NAME.test(name)) {
    errors.push({
      field: 'name',
      message:
        'names starting with auth., users., payments., analytics. or gateway. are reserved for platform events',
    });
  }
  let userId: string | undefined;
  if (user_id !== undefined && user_id !== null) {
    if (typeof user_id !== 'string' || !ID.test(user_id)) {
      errors.push({
        field: 'user_id',
        message: 'user_id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -',
      });
    } else if (ctx.actorUserId && user_id !== ctx.actorUserId) {
      errors.push({ field: 'user_id', message: 'a signed-in user may only send their own events' });
    } else {
      userId = user_id;
    }
  }
  if (ctx.actorUserId) userId = ctx.actorUserId;
  let anonymousId: string | undefined;
  if (anonymous_id !== undefined && anonymous_id !== null) {
    if (typeof anonymous_id !== 'string' || !ID.test(anonymous_id)) {
      errors.push({
        field: 'anonymous_id',
        message: 'anonymous_id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -',
      });
    } else {
      anonymousId = anonymous_id;
    }
  }
  let occurredAt = ctx.now;
  if (timestamp !== undefined && timestamp !== null) {
    const t =
      typeof timestamp === 'string' && INSTANT.test(timestamp) ? Date.parse(timestamp) : NaN;
    if (!Number.isFinite(t)) {
      errors.push({
        field: 'timestamp',
        message:
          'timestamp must be an ISO 8601 date-time with a time zone offset (e.g. 2026-03-29T01:30:00Z)',
      });
    } else if (t < ctx.now - MAX_PAST_MS) {
      errors.push({ field: 'timestamp', message: 'timestamp is more than 7 days in the past' });
    } else if (t > ctx.now + MAX_FUTURE_MS) {
      errors.push({ field: 'timestamp', message: 'timestamp is more than 1 hour in the future' });
    } else {
      occurredAt = t;
    }
  }
  let props: Record<string, unknown> = {};
  let propsJson = '{}';
  if (properties !== undefined && properties !== null) {
    const text = isPlainObject(properties) ? JSON.stringify(properties) : undefined;
    if (text === undefined) {
      errors.push({ field: 'properties', message: 'properties must be a JSON object' });
    } else if (
      // A UTF-16 unit is at most 3 UTF-8 bytes: count the bytes only when that could matter.
      text.length * 3 > MAX_PROPERTIES_BYTES &&
      Buffer.byteLength(text) > MAX_PROPERTIES_BYTES
    ) {
      errors.push({ field: 'properties', message: 'properties must be at most 32 KB of JSON' });
    } else if (text.includes('\\u') && hasBadText(properties)) {
      // JSON.stringify writes NUL and lone surrogates as \u escapes: only then is a walk needed.
      errors.push({
        field: 'properties',
        message: 'properties must not contain NUL characters or invalid Unicode',
      });
    } else {
      props = properties as Record<string, unknown>;
      propsJson = text;
    }
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    event: {
      event_id: event_id as string | undefined,
      name: name as string,
      user_id: userId,
      anonymous_id: anonymousId,
      occurred_at: occurredAt,
      properties: props,
      propertiesJson: propsJson,
    },
  };
}

/** PostgreSQL jsonb cannot store U+0000 nor a lone surrogate. */
function hasBadText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasBadText);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => hasBadText(k) || hasBadText(v));
  }
  return false;
}

/** Fields dropped from stored properties when a user is erased (and from platform event data). */
export const PERSONAL_KEYS = [
  'email',
  'name',
  'first_name',
  'last_name',
  'phone',
  'ip',
  'user_agent',
  'address',
  'password',
];
