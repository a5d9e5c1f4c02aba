import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { KeyValueStore } from './key-value.store.js';
import { MemoryStore } from './memory.store.js';
import { RedisStore } from './redis.store.js';

/** Redis when REDIS_URL is set, the in-memory store otherwise. Inject `KeyValueStore`. */
@Global()
@Module({
  providers: [
    {
      provide: KeyValueStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig): KeyValueStore => {
        const url = config.get('REDIS_URL');
        return url ? new RedisStore(url, config.get('KV_PREFIX')) : new MemoryStore();
      },
    },
  ],
  exports: [KeyValueStore],
})
export class KvModule implements OnApplicationShutdown {
  constructor(@Inject(KeyValueStore) private readonly store: KeyValueStore) {}

  async onApplicationShutdown() {
    await this.store.close();
  }
}
