import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { partOf } from './rpc-meta.js';

/**
 * A request/response handler. Over NATS it joins the queue group of the part that owns the
 * pattern, so N replicas of that part share the load and each request runs once.
 */
export function Rpc(pattern: string) {
  return MessagePattern(pattern, { queue: partOf(pattern) });
}

/**
 * An event handler of the consuming part. Each consuming part gets one copy of the event,
 * shared across its replicas.
 */
export function OnEvent(pattern: string, consumer: string) {
  return EventPattern(pattern, { queue: `${consumer}.events` });
}
