import { ServerNats, type NatsOptions } from '@nestjs/microservices';
import { isPlainPattern } from './rpc-meta.js';

/**
 * NATS server whose subjects carry NATS_SUBJECT_PREFIX, so several platforms can share one
 * NATS. Each handler joins the queue group named in its decorator (see `Rpc` / `OnEvent`).
 */
export class PrefixedNatsServer extends ServerNats {
  constructor(
    options: NonNullable<NatsOptions['options']>,
    private readonly prefix: string,
  ) {
    super(options);
  }

  override getRouteFromPattern(pattern: string): string {
    return isPlainPattern(pattern) ? pattern : super.getRouteFromPattern(pattern);
  }

  bindEvents(client: Parameters<ServerNats['bindEvents']>[0]): void {
    for (const [channel, handler] of this.messageHandlers) {
      const queue = (handler.extras as { queue?: string } | undefined)?.queue;
      const sub = client.subscribe(this.prefix + channel, {
        queue,
        callback: this.getMessageHandler(channel).bind(this),
      });
      // `subscriptions` is private in the typings; close() unsubscribes what is listed there.
      (this as unknown as { subscriptions: unknown[] }).subscriptions.push(sub);
    }
  }
}
