import type { ReactNode } from 'react';

import './card.css';

interface CardProps {
  /** Used as the section's heading and accessible name. */
  title: string;
  titleId: string;
  /** Optional controls shown beside the heading. */
  actions?: ReactNode;
  children: ReactNode;
}

export function Card({ title, titleId, actions, children }: CardProps) {
  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="card__header">
        <h2 id={titleId} className="card__title">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
