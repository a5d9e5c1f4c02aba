import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { WritePacket } from '@nestjs/microservices';
import { InProcessBus } from './in-process.bus.js';
import { isPlainPattern } from './rpc-meta.js';
import { noHandlerProblem } from './transport-errors.js';

/** The server half of the in-process transport: runs the app's @MessagePattern handlers. */
export class InProcessServer extends Server implements CustomTransportStrategy {
  constructor(private readonly bus: InProcessBus) {
    super();
  }

  listen(callback: () => void): void {
    this.bus.attach(this);
    callback();
  }

  close(): void {
    this.bus.detach(this);
  }

  on(): void {
    // No connection events: the bus cannot disconnect.
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  override getRouteFromPattern(pattern: string): string {
    return isPlainPattern(pattern) ? pattern : super.getRouteFromPattern(pattern);
  }

  request(pattern: string, data: unknown, respond: (packet: WritePacket) => void): void {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler || handler.isEventHandler) {
      respond({ err: noHandlerProblem(pattern), isDisposed: true });
      return;
    }
    const ctx = new BaseRpcContext([pattern]);
    this.handleRequest(
      ctx,
      async () => this.transformToObservable(await handler(data, ctx)),
      (packet) => respond(packet),
    );
  }

  async event(pattern: string, data: unknown): Promise<void> {
    await this.handleEvent(pattern, { pattern, data }, new BaseRpcContext([pattern]));
  }
}
