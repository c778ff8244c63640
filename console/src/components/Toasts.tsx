import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";

interface Toast {
  id: number;
  text: string;
}

const ToastContext = createContext<(text: string) => void>(() => {});

/** How long a toast stays: long enough to read a short sentence, then it goes away by itself. */
export const TOAST_MS = 4_000;

/** Short confirmations ("Saved x.") in one polite live region, each gone after TOAST_MS. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const show = useCallback(
    (text: string) => setToasts((list) => [...list.slice(-2), { id: Date.now() + Math.random(), text }]),
    [],
  );
  const dismiss = (id: number) => setToasts((list) => list.filter((t) => t.id !== id));
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} text={toast.text} onDone={() => dismiss(toast.id)} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastItem({ text, onDone }: { text: string; onDone: () => void }) {
  // The latest onDone, for the timer set once when the toast appears.
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });
  useEffect(() => {
    const timer = setTimeout(() => done.current(), TOAST_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <div className="toast">
      <span>{text}</span>
      <button type="button" className="link" aria-label="Dismiss" onClick={onDone}>
        ×
      </button>
    </div>
  );
}

export function useToast(): (text: string) => void {
  return useContext(ToastContext);
}
