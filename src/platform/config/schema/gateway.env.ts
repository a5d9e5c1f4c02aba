/** Settings read by the gateway part. */
export const gatewayEnv = {};
