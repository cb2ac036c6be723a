/** The path of an already-downloaded Electron binary, or undefined. */
export function installedElectron(root?: string): string | undefined;
