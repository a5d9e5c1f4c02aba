import { ClientNats, type NatsOptions } from '@nestjs/microservices';

/** NATS client that prefixes every subject with NATS_SUBJECT_PREFIX (see PrefixedNatsServer). */
export class PrefixedNatsClient extends ClientNats {
  constructor(
    options: NonNullable<NatsOptions['options']>,
    private readonly prefix: string,
  ) {
    super(options);
  }

  protected normalizePattern(pattern: Parameters<ClientNats['normalizePattern']>[0]): string {
    return this.prefix + super.normalizePattern(pattern);
  }
}
