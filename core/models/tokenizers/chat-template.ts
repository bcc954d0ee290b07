/**
 * A model's chat template (tokenizer_config.json's `chat_template`, Jinja), rendered by @huggingface/jinja, the
 * renderer of transformers.js, with the variables transformers' apply_chat_template passes: messages,
 * add_generation_prompt, and the config's special tokens (bos_token, eos_token, ...). An instruct model thus sees
 * its prompts in the format it was trained on.
 */
import { Template } from '@huggingface/jinja';
import { TokenizerFileError, type TextTokenizer } from './tokenizer';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The template text: a string, or transformers' list of named templates ({name, template}) where 'default' is used. */
export function chatTemplateSource(tokenizer: TextTokenizer): string | null {
  const t = tokenizer.config.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t.find((x: unknown) => typeof x === 'object' && x !== null && (x as { name?: unknown }).name === 'default') as { template?: unknown } | undefined;
    return typeof named?.template === 'string' ? named.template : null;
  }
  return null;
}

/** Special-token strings of the config, as transformers passes them to the template (bos_token, eos_token, ...). */
function specialTokenVariables(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['bos_token', 'eos_token', 'pad_token', 'unk_token']) {
    const v = config[key];
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') out[key] = (v as { content: string }).content;
  }
  return out;
}

const compiled = new WeakMap<TextTokenizer, Template>();

/** The prompt text of a conversation, ready to be encoded (the template places any bos itself). */
export function renderChat(tokenizer: TextTokenizer, messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): string {
  let template = compiled.get(tokenizer);
  if (!template) {
    const source = chatTemplateSource(tokenizer);
    if (source === null) throw new TokenizerFileError(tokenizer.source, "no chat template (tokenizer_config.json key 'chat_template'): use completion prompting");
    try {
      template = new Template(source);
    } catch (err) {
      throw new TokenizerFileError(tokenizer.source, `chat template does not parse: ${(err as Error).message.split('\n')[0]}`);
    }
    compiled.set(tokenizer, template);
  }
  try {
    return template.render({
      ...specialTokenVariables(tokenizer.config),
      messages,
      add_generation_prompt: options.addGenerationPrompt ?? true,
    });
  } catch (err) {
    throw new TokenizerFileError(tokenizer.source, `chat template failed to render: ${(err as Error).message.split('\n')[0]}`);
  }
}
