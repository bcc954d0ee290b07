import { expect, test } from 'vitest';
import { errorMessage } from '../../core/error-message';

test("an error's message, whatever was thrown", () => {
  expect(errorMessage(new TypeError('bad input'))).toBe('bad input');
  expect(errorMessage('plain string')).toBe('plain string');
  expect(errorMessage(42)).toBe('42');
  expect(errorMessage(undefined)).toBe('undefined');
});
