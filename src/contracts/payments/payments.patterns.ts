/** Message patterns of the payments part (`payments.<noun>.<verb>`) and events it publishes. */
export const PaymentsPatterns = {} as const;

export const PaymentsEvents = {} as const;
