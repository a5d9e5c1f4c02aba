/** Settings read by the users part. */
export const usersEnv = {};
