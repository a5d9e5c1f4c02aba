import { Controller, type Type } from '@nestjs/common';
import { Rpc } from '../transport/decorators.js';

/** A `<part>.health.ping` handler for each part a process runs; the gateway's readiness calls it. */
export function healthRpcControllerFor(part: string): Type {
  @Controller()
  class PartHealthRpcController {
    @Rpc(`${part}.health.ping`)
    ping() {
      return { part, pid: process.pid };
    }
  }
  Object.defineProperty(PartHealthRpcController, 'name', { value: `${part}HealthRpcController` });
  return PartHealthRpcController;
}
