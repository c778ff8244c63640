import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { ApiError, setUnauthorizedHandler, tokenStore } from "./api";
import { ConnectionBanner } from "./components/ConnectionBanner";
import { Layout } from "./components/Layout";
import { ToastProvider } from "./components/Toasts";
import { AuditPage } from "./pages/AuditPage";
import { ConfigurationPage } from "./pages/ConfigurationPage";
import { ExecutionPage } from "./pages/ExecutionPage";
import { ExecutionsPage } from "./pages/ExecutionsPage";
import { SignInPage } from "./pages/SignInPage";
import { TokensPage } from "./pages/TokensPage";
import { WorkflowPage } from "./pages/WorkflowPage";
import { WorkflowsPage } from "./pages/WorkflowsPage";
import { SessionProvider } from "./session";
import { listenForHandoff, requestTokenFromOtherTabs } from "./session-handoff";
// In cascade order: later files override earlier ones.
import "./styles/base.css";
import "./styles/forms.css";
import "./styles/tables.css";
import "./styles/blocks.css";
import "./styles/phone.css";
import "./styles/components.css";
import "./styles/dark.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

setUnauthorizedHandler(() => {
  tokenStore.clear();
  queryClient.clear();
  if (location.pathname !== "/sign-in") location.assign(`/sign-in?expired=1`);
});

// Another tab signed out: so does this one.
listenForHandoff(() => {
  tokenStore.clear();
  queryClient.clear();
  if (location.pathname !== "/sign-in") location.assign("/sign-in");
});

function RequireToken({ children }: { children: React.ReactNode }) {
  const location = useLocation();
  const [asking, setAsking] = useState(() => !tokenStore.get());
  useEffect(() => {
    if (!asking) return;
    let live = true;
    void requestTokenFromOtherTabs().then((token) => {
      if (!live) return;
      if (token) tokenStore.set(token);
      setAsking(false);
    });
    return () => {
      live = false;
    };
  }, [asking]);
  if (asking) return <p className="loading">Signing in…</p>;
  if (!tokenStore.get())
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <SessionProvider>{children}</SessionProvider>;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ConnectionBanner />
      <ToastProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route
              element={
                <RequireToken>
                  <Layout />
                </RequireToken>
              }
            >
              <Route index element={<Navigate to="/settings/configuration" replace />} />
              <Route path="/settings/configuration" element={<ConfigurationPage />} />
              <Route path="/workflows" element={<WorkflowsPage />} />
              <Route path="/workflows/:name" element={<WorkflowPage />} />
              <Route path="/executions" element={<ExecutionsPage />} />
              <Route path="/executions/:id" element={<ExecutionPage />} />
              <Route path="/audit" element={<AuditPage />} />
              <Route path="/settings/tokens" element={<TokensPage />} />
              <Route path="*" element={<p className="page-error">No such page.</p>} />
            </Route>
          </Routes>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
