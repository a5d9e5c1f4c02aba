import {
  Global,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  Inject,
} from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { PrefixedNatsClient } from './nats.client.js';
import { natsOptions } from './nats-options.js';
import { AppConfig } from '../config/config.js';
import { InProcessBus } from './in-process.bus.js';
import { InProcessClient } from './in-process.client.js';
import { RpcClient, TRANSPORT_CLIENT } from './rpc-client.js';

/** Provides the client side of the transport: in-process with `all`, NATS when split. */
@Global()
@Module({})
export class TransportModule implements OnApplicationShutdown {
  constructor(@Inject(TRANSPORT_CLIENT) private readonly client: ClientProxy) {}

  static forRoot(bus: InProcessBus): DynamicModule {
    return {
      module: TransportModule,
      providers: [
        { provide: InProcessBus, useValue: bus },
        {
          provide: TRANSPORT_CLIENT,
          inject: [AppConfig],
          useFactory: (config: AppConfig): ClientProxy =>
            config.split
              ? (new PrefixedNatsClient(
                  natsOptions(config, 'platform-client'),
                  config.get('NATS_SUBJECT_PREFIX'),
                ) as unknown as ClientProxy)
              : new InProcessClient(bus),
        },
        RpcClient,
      ],
      exports: [RpcClient, InProcessBus, TRANSPORT_CLIENT],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
