import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { callKey, readAnswered } from './lib/calls.js';
import { askFirstScreen } from './lib/first-screen.js';
import { loadSelection } from './lib/selection.js';
import './styles.css';

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onSuccess: (data, query) => readAnswered(queryClient, query.queryKey, data) }),
  defaultOptions: {
    // Errors are values with codes; retrying a 401 or a keychain failure only repeats it.
    queries: { retry: false, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

// The last lists stay in memory while the window is open (switching and the overview are drawn
// from them); they are replaced in place, and marked stale by what changes them.
queryClient.setQueryDefaults(callKey('keys.cached'), { gcTime: Infinity });

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
