/** Settings read by the analytics part. */
export const analyticsEnv = {};
