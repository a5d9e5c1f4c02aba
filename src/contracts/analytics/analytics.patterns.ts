/** Message patterns of the analytics part (`analytics.<noun>.<verb>`) and events it publishes. */
export const AnalyticsPatterns = {} as const;

export const AnalyticsEvents = {} as const;
