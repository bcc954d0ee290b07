export { maxVocabSize, minVocabSize, trainByteLevelBpe, trainTokenizer, type TrainOptions } from './train';
export { specialIds, TextTokenizer, TokenizerFileError, type SpecialIds } from './tokenizer';
export { specialTokens, type ByteLevelBpeJson } from './tokenizer-json';
export { chatTemplateSource, renderChat, type ChatMessage } from './chat-template';
