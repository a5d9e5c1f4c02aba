export {
  KeyValueStore,
  type KeyValueEntry,
  type RateLimitResult,
  type RateLimitCheck,
} from './key-value.store.js';
export { MemoryStore } from './memory.store.js';
export { RedisStore } from './redis.store.js';
