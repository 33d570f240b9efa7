import { useEffect, useRef, useState } from 'react';

// Mantine marks a field with an error `aria-invalid`, except PasswordInput (`data-invalid`).
const INVALID = '[aria-invalid="true"], input[data-invalid="true"]';

/** Focus (and scroll to) the first field marked invalid inside `container`. */
export function focusFirstInvalid(container: HTMLElement | null): boolean {
  const field = container?.querySelector<HTMLElement>(INVALID);
  if (field === null || field === undefined) {
    return false;
  }
  field.scrollIntoView({ block: 'center' });
  field.focus();
  return true;
}

/**
 * For a form whose refusal marks fields: put `ref` on the form and call `refused()` when the
 * server (or the form's own check) refused it; once the marks are drawn, the first marked field
 * takes the focus, so the person lands on what to correct.
 */
export function useFocusFirstInvalid<T extends HTMLElement = HTMLFormElement>() {
  const ref = useRef<T>(null);
  const [refusals, setRefusals] = useState(0);
  useEffect(() => {
    if (refusals > 0) {
      focusFirstInvalid(ref.current);
    }
  }, [refusals]);
  return {
    ref,
    refused: () => {
      setRefusals((count) => count + 1);
    },
  };
}
