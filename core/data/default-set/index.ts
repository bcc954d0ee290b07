export {
  ASSERTS_PER_PROBLEM,
  DEFAULT_COUNT,
  DEFAULT_SEED,
  GENERATOR_VERSION,
  HELDOUT_FRACTION,
  generateDefaultSet,
  splitOf,
  type DefaultSet,
  type GeneratedProblem,
  type Split,
} from './generate';
