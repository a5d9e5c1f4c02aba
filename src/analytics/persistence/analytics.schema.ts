import type { PartSchema } from '../../platform/database/index.js';
import { AnalyticsInit1764036000000 } from './migrations/1764036000000-analytics-init.js';

export const analyticsSchema: PartSchema = {
  schema: 'analytics',
  entities: [],
  migrations: [AnalyticsInit1764036000000],
};
