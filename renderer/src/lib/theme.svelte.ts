export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'rewardranker.theme';

/** Light or dark, remembered per browser; the first visit follows the system setting. */
export class ThemeState {
  current = $state<Theme>(initialTheme());

  constructor() {
    $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.current;
        localStorage.setItem(STORAGE_KEY, this.current);
      });
    });
  }

  toggle(): void {
    this.current = this.current === 'dark' ? 'light' : 'dark';
  }
}

function initialTheme(): Theme {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}
