import type { NatsOptions } from '@nestjs/microservices';
import type { AppConfig } from '../config/config.js';

/**
 * Connection settings of every NATS client and server of a process. They never give up
 * reconnecting: a part whose connection closed for good would stop serving until restarted,
 * while an outage of the broker is answered 503 (see transport-errors.ts) and heals by itself.
 */
export function natsOptions(config: AppConfig, name: string): NonNullable<NatsOptions['options']> {
  return {
    servers: [config.get('NATS_URL')!],
    name: `${name}-${process.pid}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  };
}
