import { appRoot } from '../app-root';

export function appVersion(): string {
  return appRoot().version;
}
