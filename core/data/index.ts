export { builtInSet, builtInSetNames, builtInSets, builtInSetsDir, loadBuiltInSet, type BuiltInSet } from './built-in-sets';
export { assembleProgram } from './assemble';
export { candidateProgram, loadCandidates, type Candidate } from './candidates';
export { detectFormat, isProblemFormat, loadProblems, problemFormats, type ProblemFormat } from './load';
export { problemLanguages, type Harness, type Problem, type ProblemLanguage } from './problem';
export { DataFileError } from './read-records';
