import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum.js';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { RpcEnvelope } from '../transport/rpc-meta.js';
import { RpcTracing } from './rpc-tracing.js';

/**
 * Runs every message handler in a span that continues the sender's trace (the context in the
 * envelope's metadata). Registered only when tracing is on.
 */
@Injectable()
export class RpcTracingInterceptor implements NestInterceptor {
  constructor(private readonly tracing: RpcTracing) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'rpc') return next.handle();
    const handler = ctx.getHandler();
    const patterns = Reflect.getMetadata(PATTERN_METADATA, handler) as unknown[] | undefined;
    const pattern = typeof patterns?.[0] === 'string' ? patterns[0] : 'unknown';
    const kind =
      Reflect.getMetadata(PATTERN_HANDLER_METADATA, handler) === PatternHandler.EVENT
        ? 'event'
        : 'request';
    const meta = ctx.switchToRpc().getData<RpcEnvelope | undefined>()?.meta;
    return from(
      this.tracing.handle(pattern, kind, meta, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }
}
