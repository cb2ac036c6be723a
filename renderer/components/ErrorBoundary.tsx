import { Component, type ReactNode } from 'react';

/**
 * The last line of defence: a screen that throws while rendering shows this instead of a blank
 * window, with a way back. Nothing of the error is shown (it may quote data); Keydeck's state is
 * in the core, so reloading the window loses nothing.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="center" role="alert">
        <h1>Keydeck could not show this screen</h1>
        <p className="lead">
          Nothing was lost: your keys and organizations are kept by Keydeck, not by this window. Reload it to go on.
        </p>
        <button type="button" className="button-primary" onClick={() => window.location.reload()}>
          Reload the window
        </button>
      </main>
    );
  }
}
