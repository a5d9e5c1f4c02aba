import type { PartDefinition } from '../platform/bootstrap/part-definition.js';
import { GatewayModule } from './gateway.module.js';

export const gatewayPart: PartDefinition = { name: 'gateway', module: GatewayModule };
