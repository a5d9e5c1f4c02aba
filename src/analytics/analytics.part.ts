import type { PartDefinition } from '../platform/bootstrap/part-definition.js';
import { AnalyticsHttpModule } from './http/analytics-http.module.js';
import { AnalyticsModule } from './analytics.module.js';
import { analyticsSchema } from './persistence/analytics.schema.js';

export const analyticsPart: PartDefinition = {
  name: 'analytics',
  module: AnalyticsModule,
  httpModule: AnalyticsHttpModule,
  schema: analyticsSchema,
};
