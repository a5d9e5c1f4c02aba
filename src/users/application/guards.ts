import { ProblemException, notFound } from '../../platform/errors/index.js';
import type { Actor, RpcMeta } from '../../platform/transport/rpc-meta.js';
import { canSee, isAdmin } from '../domain/access.js';

/** The verified caller, or 401: calls on behalf of a user always carry one. */
export function actorOf(meta: RpcMeta | undefined): Actor {
  const actor = meta?.actor;
  if (!actor || typeof actor.id !== 'string' || typeof actor.role !== 'string') {
    throw new ProblemException(401, 'unauthenticated', 'Sign in to use this resource.');
  }
  return actor;
}

export const userNotFound = () => notFound('User');

/** Self or admin; anyone else gets the same 404 as for an unknown id. */
export function requireVisible(meta: RpcMeta | undefined, userId: unknown): Actor {
  const actor = actorOf(meta);
  if (typeof userId !== 'string' || !canSee(actor, userId)) throw userNotFound();
  return actor;
}

/** The actor themself only (routes under /users/me). */
export function requireSelf(meta: RpcMeta | undefined, userId: unknown): Actor {
  const actor = actorOf(meta);
  if (typeof userId !== 'string' || actor.id !== userId) throw userNotFound();
  return actor;
}

export function requireAdmin(meta: RpcMeta | undefined): Actor {
  const actor = actorOf(meta);
  if (!isAdmin(actor)) {
    throw new ProblemException(403, 'forbidden', 'This action needs the admin role.');
  }
  return actor;
}
