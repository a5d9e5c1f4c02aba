export { Rpc, OnEvent } from './decorators.js';
export { RpcClient, type SendOptions } from './rpc-client.js';
export type { Actor, RpcEnvelope, RpcMeta } from './rpc-meta.js';
export { partOf } from './rpc-meta.js';
