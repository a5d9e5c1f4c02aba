export { AppConfig } from './config.js';
export { ConfigError, loadConfig, rolesOf, isSplit, type PartName } from './load-config.js';
export type { Env } from './env.schema.js';
export { PART_NAMES } from './schema/core.env.js';
