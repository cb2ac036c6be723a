import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { askFirstScreen } from './lib/first-screen.js';
import { loadSelection } from './lib/selection.js';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // Errors are values with codes; retrying a 401 or a keychain failure only repeats it.
    queries: { retry: false, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

// The first screen's calls leave now; React's first render overlaps their round trip.
askFirstScreen(queryClient, loadSelection());

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </ErrorBoundary>
    </StrictMode>,
  );
}
