export {
  ProblemException,
  notFound,
  validationProblem,
  PROBLEM_BASE,
  type Problem,
  type FieldError,
} from './problem.js';
