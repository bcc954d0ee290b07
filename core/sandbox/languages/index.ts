import type { Language, LanguageId } from '../language';
import { bash } from './bash';
import { cpp } from './cpp';
import { csharp } from './csharp';
import { go } from './go';
import { java } from './java';
import { javascript } from './javascript';
import { lua } from './lua';
import { php } from './php';
import { python } from './python';
import { ruby } from './ruby';
import { rust } from './rust';
import { typescript } from './typescript';

/** Every language module, one entry each (see ../language.ts for how a module plugs in). */
export const LANGUAGES: readonly Language[] = [python, javascript, typescript, cpp, java, csharp, php, bash, go, rust, lua, ruby];

export function findLanguage(id: string): Language | undefined {
  return LANGUAGES.find((l) => l.id === id || l.multiplE === id);
}

export function languageById(id: LanguageId): Language | undefined {
  return LANGUAGES.find((l) => l.id === id);
}
