import { Text } from '@mantine/core';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';

import './scroll-table.css';

interface ScrollTableProps {
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
  /** The name of the scrollable region (the table's own name). */
  label: string;
  children: ReactNode;
}

/**
 * A table that scrolls sideways on a narrow screen and says so: a line of text and a shadow on
 * the side where more columns are hidden (a tablet shows no scroll bar until one scrolls). The
 * region takes the keyboard focus, so arrow keys scroll it too.
 */
export function ScrollTable({ minWidth, label, children }: ScrollTableProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const hintId = useId();
  const [more, setMore] = useState({ left: false, right: false });

  const measure = useCallback(() => {
    const node = viewport.current;
    if (node === null) {
      return;
    }
    const left = node.scrollLeft > 1;
    const right = node.scrollLeft + node.clientWidth < node.scrollWidth - 1;
    setMore((previous) =>
      previous.left === left && previous.right === right ? previous : { left, right },
    );
  }, []);

  useEffect(() => {
    measure();
    const node = viewport.current;
    if (node === null || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    if (node.firstElementChild !== null) {
      observer.observe(node.firstElementChild);
    }
    return () => {
      observer.disconnect();
    };
  }, [measure]);

  const scrolls = more.left || more.right;
  return (
    <div>
      {scrolls && (
        <Text id={hintId} size="sm" c="dimmed" mb={4} data-testid="scroll-hint">
          {more.right
            ? 'More columns to the right: scroll sideways →'
            : '← More columns to the left'}
        </Text>
      )}
      <div
        className="scroll-table"
        data-more-left={more.left || undefined}
        data-more-right={more.right || undefined}
      >
        <div
          ref={viewport}
          className="scroll-table__viewport"
          onScroll={measure}
          role="region"
          aria-label={label}
          aria-describedby={scrolls ? hintId : undefined}
          tabIndex={0}
        >
          <div style={{ minWidth }}>{children}</div>
        </div>
      </div>
    </div>
  );
}
