/**
 * The window's colour before the page paints, matching the page's `--bg` token in each theme
 * (renderer/styles.css), so opening Keydeck never flashes dark in the light theme or light in the
 * dark one. Electron's `nativeTheme` says which the OS uses; the page follows it itself through
 * `prefers-color-scheme`.
 */
export const WINDOW_BACKGROUND = { light: '#f6f7f9', dark: '#0f1115' } as const;

export function windowBackground(dark: boolean): string {
  return dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}
