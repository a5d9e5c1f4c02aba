import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { InProcessBus, overTheWire } from './in-process.bus.js';
import { noHandlerProblem } from './transport-errors.js';

/** The client half of the in-process transport; every payload is JSON round-tripped. */
export class InProcessClient extends ClientProxy {
  constructor(private readonly bus: InProcessBus) {
    super();
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  unwrap<T>(): T {
    return this.bus as T;
  }

  on(): void {}

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let active = true;
    const pattern = this.normalizePattern(packet.pattern);
    const server = this.bus.target;
    if (!server) {
      callback({ err: noHandlerProblem(pattern), isDisposed: true });
      return () => {};
    }
    const data = overTheWire(packet.data);
    // Answer on a later tick, as a network would, so callers never depend on sync replies.
    setImmediate(() => {
      server.request(pattern, data, (reply) => {
        if (active) callback(overTheWire(reply));
      });
    });
    return () => {
      active = false;
    };
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const server = this.bus.target;
    const pattern = this.normalizePattern(packet.pattern);
    const data = overTheWire(packet.data);
    if (server) setImmediate(() => void server.event(pattern, data).catch(() => undefined));
    return undefined as T;
  }
}
