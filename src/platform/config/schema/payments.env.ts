/** Settings read by the payments part. */
export const paymentsEnv = {};
