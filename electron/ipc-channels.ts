/** The only two channels between the preload and the main process. */
export const INVOKE_CHANNEL = 'rewardranker:invoke';
export const EVENT_CHANNEL = 'rewardranker:event';
