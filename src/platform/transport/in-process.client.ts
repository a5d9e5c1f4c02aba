import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { Observable } from 'rxjs';
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

  /**
   * ClientProxy.send without its first step, an awaited `connect()` (a promise and an rxjs
   * merge on every call): the bus has nothing to connect to. Everything else is the same.
   */
  override send<TResult = unknown, TInput = unknown>(
    pattern: unknown,
    data: TInput,
  ): Observable<TResult> {
    if (pattern === null || pattern === undefined || data === null || data === undefined) {
      return super.send(pattern, data);
    }
    return new Observable<TResult>((observer) =>
      this.publish(this.createPacket(pattern, data), this.createObserver(observer)),
    );
  }

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
