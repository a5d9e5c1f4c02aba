import type { Type } from '@nestjs/common';
import type { PartSchema } from '../database/part-schema.js';
import type { PartName } from '../config/load-config.js';

/**
 * How a part plugs into the application. `module` runs in the processes given the part's role
 * (its message handlers, use cases and persistence); `httpModule` holds its controllers and is
 * mounted only by gateway processes, where it talks to the part through its contract client.
 */
export interface PartDefinition {
  name: PartName;
  module?: Type;
  httpModule?: Type;
  schema?: PartSchema;
}
