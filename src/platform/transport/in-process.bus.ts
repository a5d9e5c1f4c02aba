import type { WritePacket } from '@nestjs/microservices';

/** What the bus needs of the server that handles messages. */
export interface InProcessTarget {
  request(pattern: string, data: unknown, respond: (packet: WritePacket) => void): void;
  event(pattern: string, data: unknown): Promise<void>;
}

/**
 * Connects the clients and the server of one application instance. Each app gets its own bus
 * (never a process-wide singleton), so two apps in one test process cannot see each other.
 */
export class InProcessBus {
  private server?: InProcessTarget;

  attach(server: InProcessTarget): void {
    this.server = server;
  }

  detach(server: InProcessTarget): void {
    if (this.server === server) this.server = undefined;
  }

  get target(): InProcessTarget | undefined {
    return this.server;
  }
}

/** What crosses the wire: a JSON round trip, so Dates and class instances behave as over NATS. */
export function overTheWire<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
