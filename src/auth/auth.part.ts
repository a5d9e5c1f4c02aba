import type { PartDefinition } from '../platform/bootstrap/part-definition.js';
import { AuthHttpModule } from './http/auth-http.module.js';
import { AuthModule } from './auth.module.js';
import { authSchema } from './persistence/auth.schema.js';

export const authPart: PartDefinition = {
  name: 'auth',
  module: AuthModule,
  httpModule: AuthHttpModule,
  schema: authSchema,
};
