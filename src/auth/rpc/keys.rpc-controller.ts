import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthPatterns } from '../../contracts/auth/auth.patterns.js';
import type {
  KeyRotationDto,
  PublicKeySetDto,
  SigningKeyListDto,
} from '../../contracts/auth/keys.dto.js';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
import { SigningKeys } from '../application/keys/signing-keys.service.js';

/** Token signing keys: the public set for gateways, and the admin's list and rotation. */
@Controller()
export class KeysRpcController {
  constructor(private readonly keys: SigningKeys) {}

  @Rpc(AuthPatterns.publicKeys)
  publicKeys(): Promise<PublicKeySetDto> {
    return this.keys.publicSet();
  }

  @Rpc(AuthPatterns.listKeys)
  list(@Payload() { meta }: RpcEnvelope): Promise<SigningKeyListDto> {
    return this.keys.list(meta);
  }

  @Rpc(AuthPatterns.rotateKeys)
  rotate(@Payload() { meta }: RpcEnvelope): Promise<KeyRotationDto> {
    return this.keys.rotate(meta, 'api');
  }
}
