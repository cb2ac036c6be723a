import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal built on the native <dialog>: the browser traps focus, Escape closes it, and it is
 * announced with its title. Focus starts on the element marked `data-autofocus` (else the first
 * control) and goes back to what opened the dialog when it closes (else the screen's heading).
 */
export function Dialog({
  title,
  onClose,
  children,
  tone,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  tone?: 'danger';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    // Where focus was (the button that opened this), to put it back when the dialog closes.
    const opener = document.activeElement;
    if (dialog && !dialog.open) dialog.showModal();
    // A dialog may name where focus starts (never on a destructive button by default).
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      dialog?.close();
      const back =
        opener instanceof HTMLElement && opener.isConnected && opener !== document.body
          ? opener
          : document.querySelector<HTMLElement>('main h1[tabindex]');
      back?.focus({ preventScroll: true });
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${tone === 'danger' ? 'dialog-danger' : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
