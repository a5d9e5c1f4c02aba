/** Settings read by the auth part. */
export const authEnv = {};
