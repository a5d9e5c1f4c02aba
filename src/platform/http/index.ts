export {
  Public,
  OptionalAuth,
  OPTIONAL_AUTH,
  Roles,
  Scopes,
  ACCEPTED_SCOPES,
  CurrentActor,
  Meta,
  metaOf,
  IS_PUBLIC,
  REQUIRED_ROLES,
  type AuthenticatedRequest,
} from './auth.decorators.js';
export { PROBLEM_JSON } from './problem.filter.js';
