export type { PartSchema } from './part-schema.js';
export { quoteIdent } from './migrator.js';
