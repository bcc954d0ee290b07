/**
 * How a problem is put to a model. Completion: the prompt text itself, which the model continues. Chat (instruct
 * models): the chat template renders one user turn asking for the code, and the assistant's answer is opened
 * with the prompt's own code, so the completion still continues the prompt and is assembled and run the same way.
 */
import type { Problem } from '../data/problem';
import { renderChat, type TextTokenizer } from './tokenizers';

export type Prompting = 'completion' | 'chat';

export function problemPromptText(tokenizer: TextTokenizer, prompting: Prompting, problem: Pick<Problem, 'prompt' | 'language'>): string {
  if (prompting === 'completion') return problem.prompt;
  const ask = `Complete the following ${problem.language} code. Answer with the code only.\n\n${problem.prompt}`;
  return renderChat(tokenizer, [{ role: 'user', content: ask }], { addGenerationPrompt: true }) + problem.prompt;
}
