// The platform's problem+json documentation, under the name the auth controllers import.
export { ApiProblem, ApiProblems } from '../../platform/http/api-problems.js';
